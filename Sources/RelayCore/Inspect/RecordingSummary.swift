/// What a recording holds, for `jmap-relay inspect`: where and when it was made, exchanges by
/// endpoint, JMAP method calls with their answers, and every error (HTTP, method-level,
/// SetError). Pure: built from a loaded `Recording`; `text(calls:)` renders it.
public struct RecordingSummary: Sendable {
    /// One method call and what answered it.
    public struct Call: Sendable, Equatable {
        public var seq: Int
        public var name: String
        public var callId: String
        public var arguments: JSONValue
        /// Names of the responses carrying this call id (`error` included), in order.
        public var responseNames: [String]
    }

    /// One problem found, attached to its exchange.
    public struct Problem: Sendable, Equatable {
        public var seq: Int
        /// `HTTP 500 Internal Server Error`, `error serverFail`, `notCreated draft: overQuota` …
        public var text: String
        /// The method call it belongs to, when there is one.
        public var method: String?
        public var callId: String?
    }

    public var header: RecordingHeader
    public var exchangeCount: Int
    /// From the first exchange's start to the last one's end.
    public var durationMs: Int
    /// Exchange counts by endpoint kind, in `EndpointKind` order, zeros left out.
    public var endpoints: [(kind: EndpointKind, count: Int)]
    /// Method names with how often they were called, most called first, then by name.
    public var methodCounts: [(name: String, count: Int)]
    public var calls: [Call]
    public var problems: [Problem]
    /// Lines that are not exchanges (push events …) by their `kind`, sorted by kind.
    public var otherLines: [(kind: String, count: Int)]
    public var warnings: [String]

    public init(_ recording: Recording) {
        header = recording.header
        let exchanges = recording.exchanges
        exchangeCount = exchanges.count
        let start = exchanges.map(\.tMs).min() ?? 0
        let end = exchanges.map { $0.tMs + $0.durationMs }.max() ?? 0
        durationMs = max(0, end - start)
        endpoints = EndpointKind.allCases.compactMap { k in
            let n = exchanges.filter { $0.kind == k }.count
            return n > 0 ? (k, n) : nil
        }
        var calls: [Call] = []
        var problems: [Problem] = []
        for e in exchanges {
            if e.response.status >= 400 {
                var t = "HTTP \(e.response.status) \(e.response.reason) \(e.request.method) \(e.request.target)"
                if let b = e.responseBody, let p = try? JSONParser.parse(b), let type = p["type"]?.stringValue { t += " (\(type))" }
                problems.append(Problem(seq: e.seq, text: t))
            }
            let (c, p) = Self.methodCalls(e)
            calls += c
            problems += p
        }
        self.calls = calls
        self.problems = problems
        var counts: [String: Int] = [:]
        for c in calls { counts[c.name, default: 0] += 1 }
        methodCounts = counts.map { ($0.key, $0.value) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        var others: [String: Int] = [:]
        for l in recording.otherLines { others[l["kind"]?.stringValue ?? "?", default: 0] += 1 }
        otherLines = others.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 }
        warnings = recording.warnings
    }

    /// Calls of an API exchange beside their responses, and the errors inside the responses.
    static func methodCalls(_ e: RecordedExchange) -> ([Call], [Problem]) {
        guard e.kind == .api || e.requestBody.map({ JMAPScanner.scanRequest($0) != nil }) == true,
            let reqBody = e.requestBody, let req = try? JSONParser.parse(reqBody),
            let methodCalls = req["methodCalls"]?.arrayValue
        else { return ([], []) }
        let responses = e.responseBody.flatMap { try? JSONParser.parse($0) }?["methodResponses"]?.arrayValue ?? []
        var calls: [Call] = []
        for mc in methodCalls {
            guard let name = mc[0]?.stringValue else { continue }
            let id = mc[2]?.stringValue ?? ""
            let answers = responses.filter { $0[2]?.stringValue == id }.compactMap { $0[0]?.stringValue }
            calls.append(Call(seq: e.seq, name: name, callId: id, arguments: mc[1] ?? .null, responseNames: answers))
        }
        var problems: [Problem] = []
        for r in responses {
            guard let name = r[0]?.stringValue, let args = r[1] else { continue }
            let id = r[2]?.stringValue ?? ""
            let method = calls.first { $0.callId == id }?.name
            if name == "error" {
                var t = "error \(args["type"]?.stringValue ?? "unknown")"
                if let d = args["description"]?.stringValue { t += ": \(d)" }
                problems.append(Problem(seq: e.seq, text: t, method: method, callId: id))
                continue
            }
            for key in ["notCreated", "notUpdated", "notDestroyed"] {
                guard let failed = args[key]?.objectValue else { continue }
                for (recordId, setError) in failed {
                    var t = "\(key) \(recordId): \(setError["type"]?.stringValue ?? "unknown")"
                    if let props = setError["properties"]?.arrayValue?.compactMap(\.stringValue), !props.isEmpty {
                        t += " [\(props.joined(separator: ", "))]"
                    }
                    problems.append(Problem(seq: e.seq, text: t, method: name, callId: id))
                }
            }
        }
        return (calls, problems)
    }
}
