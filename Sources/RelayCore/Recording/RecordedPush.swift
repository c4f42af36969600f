/// One push message as the recording keeps it (a `push` line): an EventSource `state` event,
/// a WebSocket `StateChange`, or a webhook POST. `after` places it causally: the sequence
/// number of the last API exchange completed before it arrived (0: none), so replay can send
/// it when the client repeats the request that caused it.
public struct RecordedPush: Sendable, Equatable {
    /// How the push reached the client.
    public enum Transport: String, Sendable, Equatable, CaseIterable {
        /// An RFC 8620 §7.3 event stream.
        case eventSource = "eventsource"
        /// An RFC 8887 WebSocket.
        case webSocket = "websocket"
        /// An RFC 8620 §7.2 PushSubscription callback.
        case webhook
    }

    public var seq: Int
    /// Milliseconds since recording started.
    public var tMs: Int
    /// The last API exchange completed before it (0 when there was none).
    public var after: Int
    public var transport: Transport
    /// The message as JSON (a StateChange or PushVerification); nil for a non-JSON body.
    public var event: JSONValue?
    /// A body that is not JSON (an encrypted webhook push), kept as bytes.
    public var body: [UInt8]?
    /// The EventSource `id`, or the event type when it is not `state`.
    public var eventId: String?
    /// Headers a webhook push came with (`Content-Encoding`, `Crypto-Key`, `TTL`…).
    public var headers: HTTPHeaders
    /// The callback token the webhook push arrived on.
    public var token: String?

    public init(seq: Int = 0, tMs: Int, after: Int = 0, transport: Transport, event: JSONValue?, body: [UInt8]? = nil,
                eventId: String? = nil, headers: HTTPHeaders = [:], token: String? = nil) {
        self.seq = seq
        self.tMs = tMs
        self.after = after
        self.transport = transport
        self.event = event
        self.body = body
        self.eventId = eventId
        self.headers = headers
        self.token = token
    }

    /// The bytes to deliver: the JSON as recorded, or the raw body.
    public var payload: [UInt8] { body ?? event?.serialized() ?? [] }

    /// The `@type` of the message, if it is JSON.
    public var type: String? { event?["@type"]?.stringValue }

    /// The recording line's object.
    public var json: JSONValue {
        var o: JSONObject = [
            "kind": "push", "v": 1, "seq": .int(seq), "t_ms": .int(tMs), "after": .int(after),
            "transport": .string(transport.rawValue),
        ]
        if let event { o["event"] = event }
        if let body { o["bodyB64"] = .string(Base64.encode(body)) }
        if let eventId { o["id"] = .string(eventId) }
        if !headers.fields.isEmpty { o["headers"] = RecordingCodec.headersJSON(headers) }
        if let token { o["token"] = .string(token) }
        return .object(o)
    }

    /// Reads a `push` line; nil when it is not one this relay understands.
    public init?(json o: JSONObject) {
        guard o["kind"]?.stringValue == "push", let t = o["transport"]?.stringValue.flatMap(Transport.init(rawValue:))
        else { return nil }
        var headers = HTTPHeaders()
        for pair in o["headers"]?.arrayValue ?? [] {
            if let n = pair[0]?.stringValue, let v = pair[1]?.stringValue { headers.add(n, v) }
        }
        self.init(
            seq: o["seq"]?.intValue ?? 0, tMs: o["t_ms"]?.intValue ?? 0, after: o["after"]?.intValue ?? 0, transport: t,
            event: o["event"], body: o["bodyB64"]?.stringValue.flatMap(Base64.decode), eventId: o["id"]?.stringValue,
            headers: headers, token: o["token"]?.stringValue)
    }
}
