/// Renders trace records: one readable line per exchange, or one JSON object per line for `jq`.
/// Never prints headers, so credentials cannot leak through the trace.
public enum TraceFormatter {
    /// `#12 POST /jmap/api/ 200 4.1ms Email/query,Email/get  ! error:serverFail(Email/set) notCreated=1  [fault: …]`
    public static func text(_ r: TraceRecord) -> String {
        var out: [UInt8] = []
        writeText(r, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The same line appended as bytes (to the trace's buffer), with no String built for the
    /// common parts.
    public static func writeText(_ r: TraceRecord, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "#"))
        out.appendDecimal(r.seq)
        out.append(0x20)
        out.append(contentsOf: r.method.utf8)
        out.append(0x20)
        if r.target.utf8.count > 120 { out.append(contentsOf: shortTarget(r.target).utf8) } else { out.append(contentsOf: r.target.utf8) }
        out.append(0x20)
        if let status = r.status { out.appendDecimal(status) } else { out.append(contentsOf: "---".utf8) }
        out.append(0x20)
        writeDuration(r.durationMs, into: &out)
        for (i, m) in r.jmapMethods.enumerated() {
            out.append(i == 0 ? 0x20 : UInt8(ascii: ","))
            out.append(contentsOf: m.utf8)
        }
        var problems: [String] = []
        for e in r.methodErrors { problems.append("error:\(e.type)" + (e.method.map { "(\($0))" } ?? "(\(e.callId))")) }
        if r.notCreated > 0 { problems.append("notCreated=\(r.notCreated)") }
        if r.notUpdated > 0 { problems.append("notUpdated=\(r.notUpdated)") }
        if r.notDestroyed > 0 { problems.append("notDestroyed=\(r.notDestroyed)") }
        if let p = r.problemType { problems.append("problem:\(shortProblem(p))") }
        if let e = r.error { problems.append(e) }
        if r.clientClosed, !r.eventStream { problems.append(clientClosed) }
        if !problems.isEmpty { out.append(contentsOf: ("  ! " + problems.joined(separator: " ")).utf8) }
        if let end = endWords(r) { out.append(contentsOf: ("  " + end).utf8) }
        if !r.faults.isEmpty { out.append(contentsOf: ("  [fault: " + r.faults.joined(separator: "; ") + "]").utf8) }
        for n in r.notes { out.append(contentsOf: ("\n    " + n).utf8) }
    }

    static let clientClosed = "client closed"

    /// How an exchange ended when that is worth saying but is no failure: an event stream
    /// (`text/event-stream`) ends when the client closes it, often after an hour, so the write that
    /// finds the socket gone (`send: Broken pipe`) is its normal end, not an error. A client
    /// that leaves in the middle of any other response is still marked with `!`.
    public static func endWords(_ r: TraceRecord) -> String? {
        r.clientClosed && r.eventStream ? clientClosed : nil
    }

    /// `formatDuration` as bytes; under 10 ms (nearly every exchange) without a String.
    static func writeDuration(_ ms: Double, into out: inout [UInt8]) {
        guard ms >= 0, ms < 10 else { return out.append(contentsOf: formatDuration(ms).utf8) }
        let tenths = Int(ms * 10)
        out.appendDecimal(tenths / 10)
        out.append(UInt8(ascii: "."))
        out.appendDecimal(tenths % 10)
        out.append(contentsOf: "ms".utf8)
    }

    /// One compact JSON object.
    public static func json(_ r: TraceRecord) -> String {
        var o = JSONObject()
        o["seq"] = .int(r.seq)
        o["method"] = .string(r.method)
        o["target"] = .string(r.target)
        o["status"] = r.status.map { .int($0) } ?? .null
        o["ms"] = .double((r.durationMs * 100).rounded() / 100)
        o["endpoint"] = .string(r.kind.rawValue)
        if !r.jmapMethods.isEmpty { o["jmap"] = .array(r.jmapMethods.map { .string($0) }) }
        if !r.methodErrors.isEmpty {
            o["methodErrors"] = .array(
                r.methodErrors.map { e in
                    var x: JSONObject = ["callId": .string(e.callId), "type": .string(e.type)]
                    if let m = e.method { x["method"] = .string(m) }
                    return .object(x)
                })
        }
        if r.notCreated > 0 { o["notCreated"] = .int(r.notCreated) }
        if r.notUpdated > 0 { o["notUpdated"] = .int(r.notUpdated) }
        if r.notDestroyed > 0 { o["notDestroyed"] = .int(r.notDestroyed) }
        if let p = r.problemType { o["problem"] = .string(p) }
        if !r.faults.isEmpty { o["faults"] = .array(r.faults.map { .string($0) }) }
        if let e = r.error { o["error"] = .string(e) }
        if r.clientClosed { o["clientClosed"] = .bool(true) }
        if !r.notes.isEmpty { o["notes"] = .array(r.notes.map { .string($0) }) }
        o["requestBytes"] = .int(r.requestBytes)
        o["responseBytes"] = .int(r.responseBytes)
        return JSONValue.object(o).serializedString()
    }

    /// `4.1ms` under 10 ms, `41ms` under 10 s, `12.3s` beyond.
    public static func formatDuration(_ ms: Double) -> String {
        if ms < 10 { return String(Double(Int(ms * 10)) / 10) + "ms" }
        if ms < 10_000 { return "\(Int(ms.rounded()))ms" }
        return String(Double(Int(ms / 100)) / 10) + "s"
    }

    /// The target with a long query shortened, so a line stays a line.
    static func shortTarget(_ t: String) -> String { t.utf8.count > 120 && t.count > 120 ? String(t.prefix(117)) + "..." : t }

    /// `urn:ietf:params:jmap:error:limit` → `limit`.
    static func shortProblem(_ p: String) -> String {
        if let i = p.lastIndex(of: ":") { return String(p[p.index(after: i)...]) }
        return p
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self.init(elements) }
}
