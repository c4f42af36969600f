/// What answers a request besides the network: a recording (`ReplayUpstream`), a recording
/// that sends what it lacks to the network (`FallbackUpstream`), or nothing (`LiveUpstream`).
/// The event loops ask it first and send to the network what it leaves to them, so it never
/// waits on I/O. The pipeline does not know which one it talks to.
public protocol Upstream: Sendable {
    /// The answer when it comes from memory; nil when `request` goes to the network (it may
    /// be changed on the way, e.g. sent to another origin). An answer that is an error (a
    /// replay miss) is still an answer; `throw` means the request could not be read.
    func answer(_ request: inout UpstreamRequest) throws -> UpstreamResponse?

    /// True when answers come from matching each recorded request whole: the relay must then
    /// not alter a request before it goes up (a method fault puts its error in the answer
    /// instead of splitting the batch).
    var matchesWholeRequests: Bool { get }

    /// The recording that answers, if any (for `misses` and `unusedRecordedExchanges`).
    var recording: ReplayUpstream? { get }
}

extension Upstream {
    public var matchesWholeRequests: Bool { false }
    public var recording: ReplayUpstream? { nil }
}

/// A request on its way upstream.
public struct UpstreamRequest: Sendable {
    /// The origin to send it to (scheme, host, port).
    public var origin: Origin
    /// Head as it will be sent: origin-form target, hop-by-hop headers removed, `Host` set.
    public var head: HTTPRequestHead
    /// The body, streamed.
    public var body: any BodySource
    /// What kind of JMAP endpoint this is.
    public var kind: EndpointKind

    public init(origin: Origin, head: HTTPRequestHead, body: any BodySource, kind: EndpointKind = .other) {
        self.origin = origin
        self.head = head
        self.body = body
        self.kind = kind
    }
}

/// A response on its way back.
public struct UpstreamResponse: Sendable {
    public var head: HTTPResponseHead
    /// The body, streamed; `knownLength` tells whether the upstream sent `Content-Length`.
    public var body: any BodySource
    /// For a `101 Switching Protocols` answered from memory: the far end of the tunnel.
    public var upgraded: (any TunnelEndpoint)?
    /// Whether it came from a recording rather than the network (not recorded again).
    public var replayed: Bool
    /// The recorded exchange that answered it, when it came from a recording.
    public var replayedSeq: Int?

    public init(head: HTTPResponseHead, body: any BodySource, upgraded: (any TunnelEndpoint)? = nil, replayed: Bool = false) {
        self.head = head
        self.body = body
        self.upgraded = upgraded
        self.replayed = replayed
    }
}

/// Why an upstream gave no answer. The relay maps these to 502 or 504 problem responses.
public struct UpstreamError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable {
        /// Connection refused or host unreachable.
        case refused
        /// The connection was reset or closed before a complete response.
        case reset
        /// TLS handshake or certificate verification failed.
        case tls
        /// No answer within the timeout.
        case timeout
        /// The upstream sent something that is not HTTP.
        case protocolError
        /// The host name did not resolve.
        case dns
    }

    public var kind: Kind
    /// The upstream origin, for the message.
    public var origin: String
    /// Detail for a person (errno text, OpenSSL reason, parser message).
    public var detail: String

    public init(_ kind: Kind, origin: String, detail: String) {
        self.kind = kind
        self.origin = origin
        self.detail = detail
    }

    /// 504 for a timeout, 502 otherwise.
    public var status: Int { kind == .timeout ? 504 : 502 }

    public var description: String { "upstream \(origin): \(kind.rawValue): \(detail)" }
}

/// The far end of a tunnel that answers from memory (a replayed WebSocket) instead of a
/// socket: the client's bytes go in, and bytes for the client come out through `output`,
/// from whatever thread produces them. Nil through `output` ends the tunnel.
public protocol TunnelEndpoint: AnyObject, Sendable {
    /// Starts the endpoint; `output` carries its bytes for the client.
    func start(output: @escaping @Sendable ([UInt8]?) -> Void)
    /// Bytes the client sent.
    func clientSent(_ bytes: ArraySlice<UInt8>)
    /// The client side has gone.
    func close()
}
