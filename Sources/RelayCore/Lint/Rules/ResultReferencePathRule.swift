/// A result reference's path points at an argument the referenced response cannot have, such
/// as `/ids` on a `/get` response (which has `list`).
public struct ResultReferencePathRule: LintRule {
    public let id = "result-reference-path"
    public let level = LintLevel.error
    public let section = "RFC 8620 §3.7"
    public let summary = "A result reference's `path` is not a JSON Pointer into an argument the named response has (e.g. /ids on a /get)."

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        var findings: [LintFinding] = []
        for call in exchange.calls {
            for ref in ResultReference.all(in: call) {
                guard ref.path.hasPrefix("/") else {
                    findings.append(finding("#\(ref.argument) path \"\(ref.path)\" is not a JSON Pointer (must start with /)",
                                            seq: exchange.seq, callId: call.callId))
                    continue
                }
                guard let shape = MethodResponseShape.arguments(of: ref.name) else { continue }
                let first = ref.path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).first.map(String.init) ?? ""
                if !shape.contains(first) {
                    findings.append(finding(
                        "#\(ref.argument) path \"\(ref.path)\": a \(ref.name) response has no \"\(first)\" (it has \(shape.sorted().joined(separator: ", ")))",
                        seq: exchange.seq, callId: call.callId))
                }
            }
        }
        return findings
    }
}
