/// A `/get` asks for more ids than `maxObjectsInGet`, or a `/set` touches more objects than
/// `maxObjectsInSet`.
public struct TooManyObjectsRule: LintRule {
    public let id = "too-many-objects"
    public let level = LintLevel.error
    public let section = "RFC 8620 §5.1, §5.3"
    public let summary = "A /get has more `ids` than `maxObjectsInGet`, or a /set more create+update+destroy than `maxObjectsInSet` (`requestTooLarge`)."

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        guard let session = context.session else { return [] }
        var findings: [LintFinding] = []
        for call in exchange.calls {
            if call.operation == "get", let max = session.coreLimit("maxObjectsInGet"),
               let ids = call.arguments["ids"]?.arrayValue, ids.count > max {
                findings.append(finding("\(ids.count) ids; the session allows \(max) (maxObjectsInGet)",
                                        seq: exchange.seq, callId: call.callId))
            }
            if call.operation == "set", let max = session.coreLimit("maxObjectsInSet") {
                let count = (call.arguments["create"]?.objectValue?.count ?? 0)
                    + (call.arguments["update"]?.objectValue?.count ?? 0)
                    + (call.arguments["destroy"]?.arrayValue?.count ?? 0)
                if count > max {
                    findings.append(finding("\(count) objects created, updated or destroyed; the session allows \(max) (maxObjectsInSet)",
                                            seq: exchange.seq, callId: call.callId))
                }
            }
        }
        return findings
    }
}
