/// Two calls in one request share a call id, so responses and result references are ambiguous.
public struct DuplicateCallIdRule: LintRule {
    public let id = "duplicate-call-id"
    public let level = LintLevel.warning
    public let section = "RFC 8620 §3.2"
    public let summary = "Two method calls in one request use the same call id."

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        var seen: Set<String> = []
        var reported: Set<String> = []
        var findings: [LintFinding] = []
        for call in exchange.calls where !seen.insert(call.callId).inserted && reported.insert(call.callId).inserted {
            findings.append(finding("call id \"\(call.callId)\" is used by more than one call in this request",
                                    seq: exchange.seq, callId: call.callId))
        }
        return findings
    }
}
