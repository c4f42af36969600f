import RelayCore

/// A request as the pipeline receives it from a client connection.
public struct IncomingRequest: Sendable {
    /// The head as the client sent it.
    public var head: HTTPRequestHead
    /// The body: in memory, or carried by the loop past the pipeline (`StreamedBody`).
    public var body: any BodySource
    /// Whether the client connected from a loopback address (the control API requires it).
    public var fromLoopback: Bool
    /// Monotonic nanoseconds when the head arrived.
    public var arrivalNanos: UInt64
    /// Whether the client came over TLS: the session it gets names `https`/`wss` URLs.
    public var overTLS: Bool

    public init(head: HTTPRequestHead, body: any BodySource, fromLoopback: Bool, arrivalNanos: UInt64, overTLS: Bool = false) {
        self.head = head
        self.body = body
        self.fromLoopback = fromLoopback
        self.arrivalNanos = arrivalNanos
        self.overTLS = overTLS
    }
}

/// What the pipeline tells the connection to do.
public enum RelayReply: Sendable {
    /// Send this response.
    case response(RelayResponse)
    /// Reset the connection without answering (a fault).
    case reset
    /// Answer nothing and hold the connection until the client gives up (a fault).
    case hang
}

/// How the end of a response went, reported back to the pipeline.
public struct ResponseCompletion: Sendable {
    /// Body bytes written to the client.
    public var bytesSent: Int
    /// Why writing stopped early, if it did and the client did not simply leave.
    public var error: String?
    /// Writing stopped because the client closed its end (how an event stream ends).
    public var clientClosed = false
}

/// A response for the client, with what the connection must do while writing it.
public struct RelayResponse: Sendable {
    public var head: HTTPResponseHead
    public var body: any BodySource
    /// For a `101` answered from memory: the far end of the tunnel.
    public var upgraded: (any TunnelEndpoint)?
    /// Close the connection after this response.
    public var close = false
    /// Stop after this many body bytes and close (a truncation fault).
    public var truncateAfter: Int?
    /// Send at most this many body bytes per second (a bandwidth fault).
    public var bytesPerSecond: Int?
    /// Called once the response is written or writing failed.
    public var completion: (@Sendable (ResponseCompletion) -> Void)?
    /// Hold the head back this long (a response delay fault).
    var delayMs = 0
    /// Watches or changes a streamed body in line (event-stream trace, push faults).
    var transform: (any BodyTransform)?
    /// For a WebSocket `101`: what looks at its frames (trace, recorder).
    var tunnelObserver: (any TunnelObserver)?
    /// For a WebSocket `101`: what changes the server's frames (push faults).
    var tunnelFilter: (any BodyTransform)?

    public init(head: HTTPResponseHead, body: any BodySource, upgraded: (any TunnelEndpoint)? = nil) {
        self.head = head
        self.body = body
        self.upgraded = upgraded
    }

    /// A small response from the relay itself.
    public static func local(status: Int, contentType: String, body: [UInt8], extraHeaders: HTTPHeaders = HTTPHeaders())
        -> RelayResponse
    {
        var h = HTTPResponseHead(status: status)
        h.headers.add("Content-Type", contentType)
        for f in extraHeaders { h.headers.add(f.name, f.value) }
        return RelayResponse(head: h, body: BufferedBody(body))
    }

    /// An RFC 7807 problem answer.
    public static func problem(_ p: ProblemDetails, extraHeaders: HTTPHeaders = HTTPHeaders()) -> RelayResponse {
        local(status: p.status, contentType: ProblemDetails.contentType, body: p.body, extraHeaders: extraHeaders)
    }
}
