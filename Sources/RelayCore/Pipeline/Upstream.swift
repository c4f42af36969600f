/// Where the relay sends a request: the live network (`LiveUpstream`), a recording
/// (`ReplayUpstream`) or a test stub. The pipeline does not know which one it talks to.
public protocol Upstream: Sendable {
    /// Sends `request` and returns the response head with a body still to be read.
    /// An upstream that answers 500 returns a response; `throw` means no answer came
    /// (refused, reset, timed out, TLS failed): the relay turns that into 502/504.
    func send(_ request: UpstreamRequest) throws -> UpstreamResponse

    /// True when answers come from matching each recorded request whole: the relay must then
    /// not alter a request before it goes up (a method fault puts its error in the answer
    /// instead of splitting the batch).
    var matchesWholeRequests: Bool { get }

    /// The recording that answers, if any (for `misses` and `unusedRecordedExchanges`).
    var recording: ReplayUpstream? { get }

    /// True when `send` never waits on I/O (a recording answering from memory): an event
    /// loop may then call it on its own thread. Streams and upgrades it returns are still
    /// served by threads.
    var answersFromMemory: Bool { get }
}

extension Upstream {
    public var matchesWholeRequests: Bool { false }
    public var recording: ReplayUpstream? { nil }
    public var answersFromMemory: Bool { false }
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
    /// For a `101 Switching Protocols`: the raw two-way byte stream to the upstream.
    public var upgraded: (any ByteStream)?
    /// Whether it came from a recording rather than the network (not recorded again).
    public var replayed: Bool
    /// The recorded exchange that answered it, when it came from a recording.
    public var replayedSeq: Int?

    public init(head: HTTPResponseHead, body: any BodySource, upgraded: (any ByteStream)? = nil, replayed: Bool = false) {
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

/// A two-way byte stream (a socket, a TLS connection). Blocking; owned by one thread at a time.
public protocol ByteStream: AnyObject, Sendable {
    /// Reads up to `max` bytes; an empty result means the peer closed.
    func read(max: Int) throws -> ArraySlice<UInt8>
    /// Writes all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Closes the stream (idempotent).
    func close()
}

extension ByteStream {
    /// Writes all of `bytes`.
    public func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }
    /// Writes all of `bytes`.
    public func write(_ bytes: ArraySlice<UInt8>) throws { try bytes.withUnsafeBytes { try write($0) } }
}
