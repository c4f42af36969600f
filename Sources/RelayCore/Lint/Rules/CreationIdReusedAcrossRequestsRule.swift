/// A creation id an earlier request used is used again: `#id` references and `createdIds`
/// become ambiguous as soon as the client carries ids across requests.
public struct CreationIdReusedAcrossRequestsRule: LintRule {
    public let id = "creation-id-reused-across-requests"
    public let level = LintLevel.info
    public let section = "RFC 8620 §3.3, §5.3"
    public let summary = "A creation id an earlier request already used is used again (ambiguous once `createdIds` carries ids across requests)."

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        var findings: [LintFinding] = []
        var reported: Set<String> = []
        for call in exchange.calls {
            for id in LintContext.creationIds(of: call) {
                guard let first = context.creationIds[id], reported.insert(id).inserted else { continue }
                findings.append(finding("creation id \"\(id)\" was already used in #\(first)", seq: exchange.seq, callId: call.callId))
            }
        }
        return findings
    }
}
