/// The JMAP facts of a request body the trace needs.
public struct JMAPRequestSummary: Sendable, Equatable {
    /// Method names, in call order.
    public var methodNames: [String] = []
    /// Call ids, in call order.
    public var callIds: [String] = []
    public init() {}
}

/// A method-level error in a response.
public struct JMAPMethodErrorSummary: Sendable, Equatable {
    public var callId: String
    public var type: String
    public init(callId: String, type: String) {
        self.callId = callId
        self.type = type
    }
}

/// The JMAP facts of a response body the trace needs.
public struct JMAPResponseSummary: Sendable, Equatable {
    /// Response names in order (`"error"` included).
    public var methodNames: [String] = []
    public var errors: [JMAPMethodErrorSummary] = []
    public var notCreated = 0
    public var notUpdated = 0
    public var notDestroyed = 0
    public var sessionState: String?
    /// The `type` of an RFC 7807 problem body.
    public var problemType: String?
    public init() {}
}
