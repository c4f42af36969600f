/// One trace line for something that happens inside a long-lived exchange: a JMAP message on
/// a WebSocket, a `state` event on an EventSource stream. It carries the number of the
/// exchange it belongs to, so `#7 ws > Request r1 …` lines follow `#7 GET /jmap/ws/ 101`.
public struct PushTraceRecord: Sendable, Equatable {
    /// Which way the message went.
    public enum Direction: String, Sendable, Equatable {
        /// From the client towards the upstream.
        case toUpstream = ">"
        /// From the upstream towards the client.
        case toClient = "<"
    }

    /// The exchange (the upgrade or the stream request) the message belongs to.
    public var seq: Int
    /// `.webSocket` or `.eventSource`.
    public var kind: EndpointKind
    public var direction: Direction
    /// The message type: `Request`, `Response`, `StateChange`, `state`, `close`, …
    public var type: String
    /// What the line says after the type, e.g. the method names or the changed states.
    public var summary: String
    /// The JMAP request id it belongs to, if any.
    public var requestId: String?
    /// Milliseconds between a request and its response, for responses.
    public var durationMs: Double?
    /// What a developer is hunting for: method errors, SetErrors, request problems.
    public var problems: [String] = []

    public init(
        seq: Int, kind: EndpointKind, direction: Direction, type: String, summary: String,
        requestId: String? = nil, durationMs: Double? = nil
    ) {
        self.seq = seq
        self.kind = kind
        self.direction = direction
        self.type = type
        self.summary = summary
        self.requestId = requestId
        self.durationMs = durationMs
    }
}

extension TraceFormatter {
    /// `#7 ws > Request r1 Mailbox/get,Email/query`, `#8 sse < push state  a1: Email=s12` or
    /// `#9 hook < PushVerification ps1 -> https://client.example/hook`.
    public static func text(_ r: PushTraceRecord) -> String {
        let transport = r.kind == .eventSource ? "sse" : r.kind == .pushCallback ? "hook" : "ws"
        var s = "#\(r.seq) \(transport) \(r.direction.rawValue) "
        s += r.summary.isEmpty ? r.type : r.summary
        if let d = r.durationMs { s += " " + formatDuration(d) }
        if !r.problems.isEmpty { s += "  ! " + r.problems.joined(separator: " ") }
        return s
    }

    /// One compact JSON object, with `"push"` naming the message type.
    public static func json(_ r: PushTraceRecord) -> String {
        var o = JSONObject()
        o["seq"] = .int(r.seq)
        o["endpoint"] = .string(r.kind.rawValue)
        o["direction"] = .string(r.direction == .toUpstream ? "up" : "down")
        o["push"] = .string(r.type)
        o["summary"] = .string(r.summary)
        if let id = r.requestId { o["requestId"] = .string(id) }
        if let d = r.durationMs { o["ms"] = .double((d * 100).rounded() / 100) }
        if !r.problems.isEmpty { o["problems"] = .array(r.problems.map { .string($0) }) }
        return JSONValue.object(o).serializedString()
    }
}
