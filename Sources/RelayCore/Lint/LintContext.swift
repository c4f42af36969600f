/// What the conversation has shown so far, for rules that look across exchanges. Rules read
/// it as it stood BEFORE the exchange they check; `absorb` then adds that exchange.
public struct LintContext: Sendable {
    /// A response said the session changed and the client has not fetched it since.
    public struct StaleSession: Sendable, Equatable {
        /// The exchange whose response carried the new `sessionState`.
        public var seq: Int
        public var sessionState: String
        /// When that response arrived (`tMs` clock): requests started earlier could not know.
        public var arrivedMs: Int
        /// Whether a later request was already reported for it.
        public var reported = false
    }

    /// A request the server refused with a 4xx that repeating cannot fix.
    public struct RefusedRequest: Sendable, Equatable {
        public var method: String
        public var target: String
        public var body: [UInt8]
        public var seq: Int
        public var status: Int
    }

    /// After a 429 or 503: the earliest time the next request should go out.
    public struct Backoff: Sendable, Equatable {
        public var seq: Int
        public var status: Int
        /// When the refusal arrived (`tMs` clock): requests started earlier could not know.
        public var arrivedMs: Int
        /// In the recording's `tMs` clock.
        public var notBeforeMs: Int
        /// Whether the wait came from a `Retry-After` header (otherwise it is the default).
        public var fromRetryAfter: Bool
    }

    /// How long to wait after a 429/503 without a usable `Retry-After`.
    public static let defaultBackoffMs = 1000
    /// How many refused requests are remembered for the retry rule.
    static let refusedMemory = 32

    /// The last session object seen.
    public internal(set) var session: LintSession?
    /// Object states (`state`, `oldState`, `newState`) the client has received, by data type.
    public internal(set) var receivedStates: [String: Set<String>] = [:]
    /// Query states (`queryState`, `oldQueryState`, `newQueryState`) received, by data type.
    public internal(set) var receivedQueryStates: [String: Set<String>] = [:]
    /// A session change the client has not acted on yet (cleared by the next session fetch).
    public internal(set) var staleSession: StaleSession?
    /// Creation ids the client has used, with the exchange that first used each.
    public internal(set) var creationIds: [String: Int] = [:]
    /// Recent requests refused with a 4xx other than 401, 407, 408 and 429.
    public internal(set) var refusedRequests: [RefusedRequest] = []
    /// The wait asked for by the last 429/503, until the first request sent after it.
    public internal(set) var backoff: Backoff?
    /// Exchanges absorbed so far.
    public internal(set) var exchangeCount = 0

    public init() {}

    /// Adds what `exchange` showed to the conversation.
    public mutating func absorb(_ exchange: LintExchange) {
        exchangeCount += 1
        let raw = exchange.raw
        if exchange.isSessionResponse, let object = exchange.responseJSON?.objectValue {
            session = LintSession(object: object, seq: exchange.seq)
            staleSession = nil
        }
        if exchange.isAPIRequest {
            if let stale = staleSession, raw.tMs >= stale.arrivedMs { staleSession?.reported = true }
            for call in exchange.calls {
                for id in Self.creationIds(of: call) where creationIds[id] == nil { creationIds[id] = exchange.seq }
            }
        }
        for response in exchange.responses where response.name != "error" { absorbStates(of: response) }
        if raw.kind == .eventSource, let body = raw.responseBody { absorbStateChanges(body) }
        if let state = exchange.responseJSON?["sessionState"]?.stringValue, let current = session?.state,
           state != current, staleSession?.sessionState != state {
            staleSession = StaleSession(seq: exchange.seq, sessionState: state, arrivedMs: raw.tMs + raw.durationMs)
        }
        absorbStatus(of: raw)
    }

    /// Creation ids a call introduces: the keys of `create` (/set, /copy) and `emails` (Email/import).
    static func creationIds(of call: JMAPInvocation) -> [String] {
        var ids = call.arguments["create"]?.objectValue?.keys ?? []
        if call.name == "Email/import" { ids += call.arguments["emails"]?.objectValue?.keys ?? [] }
        return ids
    }

    private mutating func absorbStates(of response: JMAPInvocation) {
        let type = String(response.typeName)
        for key in ["state", "oldState", "newState"] {
            if let s = response.arguments[key]?.stringValue { receivedStates[type, default: []].insert(s) }
        }
        for key in ["queryState", "oldQueryState", "newQueryState"] {
            if let s = response.arguments[key]?.stringValue { receivedQueryStates[type, default: []].insert(s) }
        }
    }

    /// Reads `StateChange` objects from an EventSource body (RFC 8620 §7.1, §7.3).
    private mutating func absorbStateChanges(_ body: [UInt8]) {
        for line in body.split(separator: 0x0A) where line.starts(with: Array("data:".utf8)) {
            guard let v = try? JSONParser.parse(line.dropFirst(5)), let changed = v["changed"]?.objectValue else { continue }
            for (_, types) in changed {
                for (type, state) in types.objectValue ?? JSONObject() {
                    if let s = state.stringValue { receivedStates[type, default: []].insert(s) }
                }
            }
        }
    }

    private mutating func absorbStatus(of raw: RecordedExchange) {
        let status = raw.response.status
        if status == 429 || status == 503 {
            let retryAfter = raw.response.headers["retry-after"].flatMap { Int($0.trimmingASCIIWhitespace()) }
            let wait = retryAfter.map { $0 * 1000 } ?? Self.defaultBackoffMs
            let arrived = raw.tMs + raw.durationMs
            backoff = Backoff(seq: raw.seq, status: status, arrivedMs: arrived, notBeforeMs: arrived + wait,
                              fromRetryAfter: retryAfter != nil)
        } else if let b = backoff, raw.tMs >= b.arrivedMs {
            // The first request sent after the refusal has been checked; earlier ones were in flight.
            backoff = nil
        }
        if (400..<500).contains(status), ![401, 407, 408, 429].contains(status), let body = raw.requestBody, !body.isEmpty {
            refusedRequests.append(RefusedRequest(method: raw.request.method, target: raw.request.target, body: body,
                                                  seq: raw.seq, status: status))
            if refusedRequests.count > Self.refusedMemory { refusedRequests.removeFirst() }
        }
    }
}
