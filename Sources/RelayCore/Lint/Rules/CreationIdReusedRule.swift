/// The same creation id is used twice in one request.
public struct CreationIdReusedRule: LintRule {
    public let id = "creation-id-reused"
    public let level = LintLevel.error
    public let section = "RFC 8620 §5.3"
    public let summary = "The same creation id appears in more than one create of a single request."

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        var firstCall: [String: String] = [:]
        var findings: [LintFinding] = []
        for call in exchange.calls {
            for id in LintContext.creationIds(of: call) {
                if let first = firstCall[id] {
                    findings.append(finding("creation id \"\(id)\" was already used by call \"\(first)\" in this request",
                                            seq: exchange.seq, callId: call.callId))
                } else {
                    firstCall[id] = call.callId
                }
            }
        }
        return findings
    }
}
