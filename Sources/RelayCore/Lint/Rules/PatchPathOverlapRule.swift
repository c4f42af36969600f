/// A `/set` update patches a property and a path inside it at once, such as `keywords` and
/// `keywords/$seen` on an Email: the server must reject it with `invalidPatch`.
public struct PatchPathOverlapRule: LintRule {
    public let id = "patch-path-overlap"
    public let level = LintLevel.error
    public let section = "RFC 8620 §5.3"
    public let summary = "A /set update sets a property and a path inside it (e.g. `keywords` and `keywords/$seen` on Email/set)."

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        var findings: [LintFinding] = []
        for call in exchange.calls where call.operation == "set" {
            for (objectId, patch) in call.arguments["update"]?.objectValue ?? JSONObject() {
                let paths = patch.objectValue?.keys ?? []
                for whole in paths {
                    guard let inner = paths.first(where: { $0.hasPrefix(whole + "/") }) else { continue }
                    findings.append(finding("update of \"\(objectId)\" sets both \"\(whole)\" and \"\(inner)\"",
                                            seq: exchange.seq, callId: call.callId))
                }
            }
        }
        return findings
    }
}
