/// Which exchanges a fault rule looks at. Every given field must match; none given matches all.
public struct FaultMatch: Sendable, Equatable {
    /// HTTP method, e.g. `POST`.
    public var method: String?
    /// Path glob, e.g. `/jmap/api*`.
    public var path: Glob?
    /// Endpoint kind.
    public var endpoint: EndpointKind?
    /// JMAP method name glob, e.g. `Email/*`: at least one call must match.
    public var call: Glob?
    /// The call's `accountId` (with `call`) or any call's (without).
    public var accountId: String?

    public init(method: String? = nil, path: Glob? = nil, endpoint: EndpointKind? = nil, call: Glob? = nil, accountId: String? = nil) {
        self.method = method
        self.path = path
        self.endpoint = endpoint
        self.call = call
        self.accountId = accountId
    }

    /// Whether the rule needs the calls of the request to decide.
    public var needsCalls: Bool { call != nil || accountId != nil }

    /// The indices of the calls in `calls` this match selects (all calls when it names none),
    /// or nil when the exchange does not match.
    public func select(_ exchange: FaultContext) -> [Int]? {
        if let method, method != exchange.method { return nil }
        if let path, !path.matches(exchange.path) { return nil }
        if let endpoint, endpoint != exchange.kind { return nil }
        guard needsCalls else { return Array(exchange.calls.indices) }
        // No array unless a call matches: rules that never match allocate nothing.
        var picked: [Int]?
        for (i, c) in exchange.calls.enumerated() {
            if let call, !call.matches(c.name) { continue }
            if let accountId, c.accountId != accountId { continue }
            picked = (picked ?? []) + [i]
        }
        return picked
    }
}

/// What a fault decision sees of an exchange: the head's facts and the JMAP calls.
public struct FaultContext: Sendable {
    /// One method call of the request.
    public struct Call: Sendable, Equatable {
        public var name: String
        public var callId: String
        public var accountId: String?
        public init(name: String, callId: String, accountId: String? = nil) {
            self.name = name
            self.callId = callId
            self.accountId = accountId
        }
    }

    public var method: String
    public var path: String
    public var kind: EndpointKind
    public var calls: [Call]

    public init(method: String, path: String, kind: EndpointKind, calls: [Call] = []) {
        self.method = method
        self.path = path
        self.kind = kind
        self.calls = calls
    }
}
