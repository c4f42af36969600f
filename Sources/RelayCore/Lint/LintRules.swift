/// The rules that ship, and the reference's table (`LintRules.md`) generated from them.
public enum LintRules {
    /// Every rule, client-side first, in report order.
    public static let all: [any LintRule] = [
        CapabilityNotInUsingRule(),
        DuplicateCallIdRule(),
        ResultReferenceTargetRule(),
        ResultReferencePathRule(),
        TooManyCallsRule(),
        TooManyObjectsRule(),
        UnknownAccountRule(),
        SinceStateNotReceivedRule(),
        SessionStateIgnoredRule(),
        CreationIdReusedRule(),
        CreationIdReusedAcrossRequestsRule(),
        RetryAfterClientErrorRule(),
        RetryWithoutBackoffRule(),
        PatchPathOverlapRule(),
        SessionMissingPropertyRule(),
        SessionURLTemplateRule(),
        SessionRelativeURLRule(),
        ResponseCallIdMismatchRule(),
        SetWithoutNewStateRule(),
        APIContentTypeRule(),
        EventSourceContentEncodingRule(),
        WebSocketPushAllTypesRule(),
    ]

    /// Every rule id.
    public static var ids: [String] { all.map(\.id) }

    /// The rule with `id`, if there is one.
    public static func rule(id: String) -> (any LintRule)? { all.first { $0.id == id } }

    /// The rules table of `LintRules.md`: `| id | level | section | what |`, one row per rule.
    public static func markdownTable() -> String {
        var lines = ["| id | level | section | what |", "|---|---|---|---|"]
        for rule in all {
            let what = rule.summary.map { $0 == "|" ? "\\|" : String($0) }.joined()
            lines.append("| `\(rule.id)` | \(rule.level.rawValue) | \(rule.section) | \(what) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
