/// How serious a finding is.
public enum LintLevel: String, Sendable, CaseIterable, Comparable {
    /// A stricter server would reject the request (or a strict client the response).
    case error
    /// Works with lenient peers, but is against the letter of the RFC.
    case warning
    /// Worth knowing; may be fine in context.
    case info

    public static func < (lhs: LintLevel, rhs: LintLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One conformance hint: which rule, how serious, where in the RFC, and which exchange (and
/// method call) it is about.
public struct LintFinding: Sendable, Equatable {
    /// The rule's id, e.g. `duplicate-call-id`.
    public var ruleId: String
    public var level: LintLevel
    /// Where the RFC says so, e.g. `RFC 8620 §3.7`.
    public var section: String
    /// What is wrong here, for a person.
    public var message: String
    /// The exchange's sequence number in the recording.
    public var seq: Int
    /// The method call id, when the finding is about one call.
    public var callId: String?

    public init(ruleId: String, level: LintLevel, section: String, message: String, seq: Int, callId: String? = nil) {
        self.ruleId = ruleId
        self.level = level
        self.section = section
        self.message = message
        self.seq = seq
        self.callId = callId
    }
}
