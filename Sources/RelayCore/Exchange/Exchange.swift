/// One finished request/response pair, as the trace, the recorder and the inspector see it.
/// Bodies are present when the relay read them (API calls, the session, small uploads and
/// downloads); streamed bodies are absent and only their sizes are known.
public struct Exchange: Sendable {
    /// Sequence number, from 1, in the order requests arrived.
    public var seq: Int
    /// Milliseconds since the relay started when the request arrived (monotonic).
    public var startMs: Double
    /// Milliseconds from the request's arrival to the end of the response.
    public var durationMs: Double
    /// What kind of JMAP endpoint was called.
    public var kind: EndpointKind
    /// The request as the client sent it (target as on the wire).
    public var request: HTTPRequestHead
    /// The request body when it was read, else nil.
    public var requestBody: [UInt8]?
    /// Bytes of request body relayed.
    public var requestBytes: Int
    /// The response as the client got it; nil when none was sent (connection cut).
    public var response: HTTPResponseHead?
    /// The response body as the client got it, when it was read, else nil.
    public var responseBody: [UInt8]?
    /// Bytes of response body relayed.
    public var responseBytes: Int
    /// Descriptions of the fault rules that touched this exchange.
    public var faults: [String]
    /// The relay's own failure, if any (upstream refused, timed out …).
    public var error: String?
    /// The origin the request went to, nil when it was answered by the relay itself.
    public var origin: Origin?

    public init(
        seq: Int, startMs: Double, durationMs: Double = 0, kind: EndpointKind, request: HTTPRequestHead,
        requestBody: [UInt8]? = nil, requestBytes: Int = 0, response: HTTPResponseHead? = nil,
        responseBody: [UInt8]? = nil, responseBytes: Int = 0, faults: [String] = [], error: String? = nil,
        origin: Origin? = nil
    ) {
        self.seq = seq
        self.startMs = startMs
        self.durationMs = durationMs
        self.kind = kind
        self.request = request
        self.requestBody = requestBody
        self.requestBytes = requestBytes
        self.response = response
        self.responseBody = responseBody
        self.responseBytes = responseBytes
        self.faults = faults
        self.error = error
        self.origin = origin
    }
}
