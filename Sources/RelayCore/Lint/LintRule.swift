/// One conformance check. A rule is a small value: it looks at one exchange and at the
/// conversation so far (the context holds what came BEFORE this exchange) and returns findings.
public protocol LintRule: Sendable {
    /// Stable id, used by `--lint-ignore` and in reports, e.g. `duplicate-call-id`.
    var id: String { get }
    var level: LintLevel { get }
    /// Where the RFC says so, e.g. `RFC 8620 §3.7`.
    var section: String { get }
    /// One sentence: what the rule checks.
    var summary: String { get }
    /// Findings for `exchange`, given the conversation before it.
    func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding]
}

extension LintRule {
    /// A finding of this rule about exchange `seq` (and call `callId`).
    public func finding(_ message: String, seq: Int, callId: String? = nil) -> LintFinding {
        LintFinding(ruleId: id, level: level, section: section, message: message, seq: seq, callId: callId)
    }
}
