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

    /// Method calls in all, and requests that made at least one (counted even when `calls`
    /// is not kept).
    public private(set) var callCount = 0
    public private(set) var requestsWithCalls = 0

    /// Whether `calls` keeps every call (only `text(calls: true)` lists them).
    private let keepsCalls: Bool
    private var startMs = Int.max
    private var endMs = Int.min
    private var methodTable: [String: Int] = [:]
    private var otherTable: [String: Int] = [:]
    private var endpointTable: [EndpointKind: Int] = [:]
    /// Seqs of requests with calls, so that a seq written twice counts once.
    private var seqsWithCalls = SeqSet()

    public init(_ recording: Recording) {
        self.init(header: recording.header, keepingCalls: true)
        for e in recording.exchanges { add(e) }
        for l in recording.otherLines { addOtherLine(kind: l["kind"]?.stringValue) }
        finish(warnings: recording.warnings)
    }

    /// An empty summary to fill one line at a time (`add`, `addOtherLine`, then `finish`).
    /// - Parameter keepingCalls: Whether to keep every call for `text(calls: true)`; the counts
    ///   are kept either way.
    public init(header: RecordingHeader, keepingCalls: Bool) {
        self.header = header
        keepsCalls = keepingCalls
        exchangeCount = 0
        durationMs = 0
        endpoints = []
        methodCounts = []
        calls = []
        problems = []
        otherLines = []
        warnings = []
    }

    /// Counts the next exchange in.
    public mutating func add(_ e: RecordedExchange) {
        exchangeCount += 1
        startMs = min(startMs, e.tMs)
        endMs = max(endMs, e.tMs + e.durationMs)
        endpointTable[e.kind, default: 0] += 1
        if e.response.status >= 400 {
            var t = "HTTP \(e.response.status) \(e.response.reason) \(e.request.method) \(e.request.target)"
            if let b = e.responseBody, let p = try? JSONParser.parse(b), let type = p["type"]?.stringValue { t += " (\(type))" }
            problems.append(Problem(seq: e.seq, text: t))
        }
        let (c, p) = Self.methodCalls(e)
        if !c.isEmpty, seqsWithCalls.insert(e.seq) { requestsWithCalls += 1 }
        callCount += c.count
        for call in c { methodTable[call.name, default: 0] += 1 }
        if keepsCalls { calls += c }
        problems += p
    }

    /// Counts a line that is not an exchange in, by its `kind`.
    public mutating func addOtherLine(kind: String?) {
        otherTable[kind ?? "?", default: 0] += 1
    }

    /// Sorts what was counted; `warnings` are what loading forgave.
    public mutating func finish(warnings: [String]) {
        durationMs = exchangeCount == 0 ? 0 : max(0, endMs - startMs)
        endpoints = EndpointKind.allCases.compactMap { k in endpointTable[k].map { (k, $0) } }
        methodCounts = methodTable.map { ($0.key, $0.value) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        otherLines = otherTable.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 }
        self.warnings = warnings
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
