/// A `/changes` or `/queryChanges` starts from a state no earlier response gave the client.
public struct SinceStateNotReceivedRule: LintRule {
    public let id = "since-state-not-received"
    public let level = LintLevel.info
    public let section = "RFC 8620 §5.2, §5.6"
    public let summary = "A /changes `sinceState` (or /queryChanges `sinceQueryState`) was never received in an earlier response of the conversation."

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        var findings: [LintFinding] = []
        for call in exchange.calls {
            let type = String(call.typeName)
            let (key, received): (String, [String: Set<String>])
            switch call.operation {
            case "changes": (key, received) = ("sinceState", context.receivedStates)
            case "queryChanges": (key, received) = ("sinceQueryState", context.receivedQueryStates)
            default: continue
            }
            guard let state = call.arguments[key]?.stringValue, received[type]?.contains(state) != true else { continue }
            findings.append(finding(
                "\(key) \"\(state)\" was not in any earlier \(type) response (stored from another session, or made up?)",
                seq: exchange.seq, callId: call.callId))
        }
        return findings
    }
}
