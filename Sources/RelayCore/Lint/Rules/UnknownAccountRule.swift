/// A call names an account the last session did not list.
public struct UnknownAccountRule: LintRule {
    public let id = "unknown-account"
    public let level = LintLevel.error
    public let section = "RFC 8620 §3.6.2"
    public let summary = "A call's `accountId` (or `fromAccountId`) is not an account of the last session seen (`accountNotFound`)."

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        guard exchange.isAPIRequest, let session = context.session else { return [] }
        let known = session.accountIds
        var findings: [LintFinding] = []
        for call in exchange.calls {
            for key in ["accountId", "fromAccountId"] {
                guard let account = call.arguments[key]?.stringValue, !known.contains(account) else { continue }
                findings.append(finding("\(key) \"\(account)\" is not in the session (#\(session.seq)) accounts",
                                        seq: exchange.seq, callId: call.callId))
            }
        }
        return findings
    }
}
