/// Reads the JMAP inside a WebSocket (RFC 8887) for the trace: each assembled message in,
/// at most one trace record out. A `Response` or `RequestError` is matched to its `Request`
/// by id so the line shows the methods and the time taken. Time comes in as an argument.
public struct JMAPWebSocketTracer: Sendable {
    private struct Pending: Sendable {
        var methods: [String]
        var callIds: [String]
        var atMs: Double
    }

    /// The exchange number of the upgrade.
    public let seq: Int
    private var pending: [String: Pending] = [:]
    private var order: [String] = []
    /// Requests remembered while waiting for their answer; older ones are forgotten.
    public let maxPending = 1024

    public init(seq: Int) { self.seq = seq }

    /// The trace record for one whole message, or nil for one not worth a line (ping, pong).
    public mutating func record(
        _ output: WebSocketMessageAssembler.Output, direction: PushTraceRecord.Direction, atMs: Double
    ) -> PushTraceRecord? {
        switch output {
        case .control(let frame):
            guard frame.opcode == .close else { return nil }
            let code = frame.closeCode.map { " \($0)" } ?? ""
            let reason = frame.closeReason.isEmpty ? "" : " \"\(frame.closeReason)\""
            return make(direction, "close", "close" + code + reason)
        case .message(.binary, let bytes):
            return make(direction, "binary", "binary \(bytes.count) bytes")
        case .message(_, let bytes):
            return text(bytes, direction: direction, atMs: atMs)
        }
    }

    /// A frame the relay cannot read (a compressed one, or after a framing error).
    public func unreadable(_ why: String, direction: PushTraceRecord.Direction) -> PushTraceRecord {
        make(direction, "unreadable", "frames no longer traced: \(why)")
    }

    private mutating func text(_ bytes: [UInt8], direction: PushTraceRecord.Direction, atMs: Double) -> PushTraceRecord {
        guard let v = try? JSONParser.parse(bytes), let type = v["@type"]?.stringValue else {
            return make(direction, "text", "text \(bytes.count) bytes (not JMAP)")
        }
        switch type {
        case "Request":
            let id = v["id"]?.stringValue
            let s = JMAPScanner.scanRequest(bytes) ?? JMAPRequestSummary()
            if let id { remember(id, Pending(methods: s.methodNames, callIds: s.callIds, atMs: atMs)) }
            var r = make(direction, type, "Request \(id ?? "(no id)") " + s.methodNames.joined(separator: ","))
            r.requestId = id
            return r
        case "Response":
            let id = v["requestId"]?.stringValue
            let p = id.flatMap { take($0) }
            let s = JMAPScanner.scanResponse(bytes) ?? JMAPResponseSummary()
            var r = make(direction, type, "Response \(id ?? "(no requestId)") " + s.methodNames.joined(separator: ","))
            r.problems = Self.problems(s, request: p)
            r.requestId = id
            r.durationMs = p.map { max(0, atMs - $0.atMs) }
            return r
        case "RequestError":
            let id = v["requestId"]?.stringValue
            let p = id.flatMap { take($0) }
            let problem = v["type"]?.stringValue.map { TraceFormatter.shortProblem($0) } ?? "unknown"
            var line = "RequestError \(id ?? "(no requestId)")"
            if let p, !p.methods.isEmpty { line += " " + p.methods.joined(separator: ",") }
            var r = make(direction, type, line)
            r.problems = ["problem:\(problem)"]
            r.requestId = id
            r.durationMs = p.map { max(0, atMs - $0.atMs) }
            return r
        case "WebSocketPushEnable":
            let types = v["dataTypes"]?.arrayValue?.compactMap(\.stringValue).joined(separator: ",") ?? "*"
            let state = v["pushState"]?.stringValue.map { " pushState=\($0)" } ?? ""
            return make(direction, type, "WebSocketPushEnable dataTypes=\(types)" + state)
        case "StateChange":
            return make(direction, type, PushSummary.stateChange(v) ?? "push state  (unreadable)")
        default:
            return make(direction, type, type)
        }
    }

    private static func problems(_ s: JMAPResponseSummary, request: Pending?) -> [String] {
        var out: [String] = []
        for e in s.errors {
            let method = request.flatMap { p in p.callIds.firstIndex(of: e.callId).map { p.methods[$0] } }
            out.append("error:\(e.type)(\(method ?? e.callId))")
        }
        if s.notCreated > 0 { out.append("notCreated=\(s.notCreated)") }
        if s.notUpdated > 0 { out.append("notUpdated=\(s.notUpdated)") }
        if s.notDestroyed > 0 { out.append("notDestroyed=\(s.notDestroyed)") }
        return out
    }

    private func make(_ d: PushTraceRecord.Direction, _ type: String, _ summary: String) -> PushTraceRecord {
        PushTraceRecord(seq: seq, kind: .webSocket, direction: d, type: type, summary: summary)
    }

    private mutating func remember(_ id: String, _ p: Pending) {
        if pending.updateValue(p, forKey: id) == nil { order.append(id) }
        while order.count > maxPending { pending[order.removeFirst()] = nil }
    }

    private mutating func take(_ id: String) -> Pending? {
        guard let p = pending.removeValue(forKey: id) else { return nil }
        order.removeAll { $0 == id }
        return p
    }
}
