/// A `/set` response has no `newState` string.
public struct SetWithoutNewStateRule: LintRule {
    public let id = "set-without-new-state"
    public let level = LintLevel.error
    public let section = "RFC 8620 §5.3"
    public let summary = "A /set response has no `newState` string."

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        exchange.responses.filter { $0.operation == "set" && $0.arguments["newState"]?.stringValue == nil }.map {
            finding("\($0.name) response has no newState", seq: exchange.seq, callId: $0.callId)
        }
    }
}
