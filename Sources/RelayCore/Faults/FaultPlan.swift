/// The faults decided for one exchange: what was done before the upstream was asked, and
/// what remains to do to its answer.
public struct FaultPlan: Sendable {
    public init() {}

    /// An injected error for one call.
    public struct CallError: Sendable {
        public var type: String
        public var description: String?

        public init(type: String, description: String?) {
            self.type = type
            self.description = description
        }
    }

    /// SetErrors to put into one `/set` answer.
    public struct SetErrors: Sendable {
        public var call: Int
        public var operation: FaultAction.SetOperation
        public var ids: [String]
        public var type: String
        public var description: String?

        public init(call: Int, operation: FaultAction.SetOperation, ids: [String], type: String, description: String?) {
            self.call = call
            self.operation = operation
            self.ids = ids
            self.type = type
            self.description = description
        }
    }

    /// The client's request, parsed (API exchanges with rules that need calls).
    public var batch: JMAPBatch?
    public var session = SessionFaults()
    /// Call index → the error the client gets for it.
    public var errors: [Int: CallError] = [:]
    public var setErrors: [SetErrors] = []
    /// Held before the request goes upstream (or before a made-up answer goes out).
    public var requestDelayMs = 0
    /// Held before the answer goes to the client.
    public var responseDelayMs = 0
    /// Bytes per second both ways (the bandwidth fault).
    public var truncateAfter: Int?
    public var bytesPerSecond: Int?
    /// No call is left for the upstream: the relay answers alone.
    public var answerLocally = false
    /// A `maxConcurrentRequests` slot is held until the upstream has answered.
    public var holdsConcurrencySlot = false

    /// Whether the API answer must be parsed and rebuilt.
    public var rewritesResponse: Bool { !errors.isEmpty || !setErrors.isEmpty || session.stateSuffix != nil }

    /// The client's answer from the upstream's: errors in place, SetErrors applied, the session
    /// state bumped. Nil when `upstream` is not a JMAP response (it then passes unchanged).
    public func rewrite(_ upstream: JSONValue?, sessionState: String) -> JSONValue? {
        guard let batch else {
            // Only the session state changes: no need to know the calls.
            guard let suffix = session.stateSuffix, var o = upstream?.objectValue, let state = o["sessionState"]?.stringValue
            else { return nil }
            o["sessionState"] = .string(state + suffix)
            return .object(o)
        }
        let upstreamResponses: [JSONValue]
        let base: JSONValue
        if answerLocally {
            upstreamResponses = []
            base = JMAPResponseEdit.synthesized(methodResponses: [], sessionState: sessionState)
        } else {
            guard let upstream, let list = upstream["methodResponses"]?.arrayValue else { return nil }
            upstreamResponses = list
            base = upstream
        }
        var responses = batch.mergedResponses(
            upstream: upstreamResponses, errors: errors.mapValues { (type: $0.type, description: $0.description) })
        for s in setErrors {
            let call = batch.calls[s.call]
            guard let at = responses.firstIndex(where: { $0[0]?.stringValue == call.name && $0[2]?.stringValue == call.callId }),
                let args = responses[at][1]?.objectValue
            else { continue }
            let changed = SetErrorInjection.apply(args, operation: s.operation, ids: s.ids, type: s.type, description: s.description)
            responses[at] = .array([.string(call.name), .object(changed), .string(call.callId)])
        }
        let state = (base["sessionState"]?.stringValue ?? sessionState) + (session.stateSuffix ?? "")
        return JMAPResponseEdit.replacing(base, methodResponses: responses, sessionState: state)
    }
}
