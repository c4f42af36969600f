/// A result reference names a call that is not earlier in the batch, or the wrong method name.
public struct ResultReferenceTargetRule: LintRule {
    public let id = "result-reference-target"
    public let level = LintLevel.error
    public let section = "RFC 8620 §3.7"
    public let summary = "A result reference's `resultOf` is not an earlier call in the request, or its `name` is not that call's method."

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        var findings: [LintFinding] = []
        for call in exchange.calls {
            for ref in ResultReference.all(in: call) {
                let earlier = exchange.calls[..<call.index].last { $0.callId == ref.resultOf }
                guard let target = earlier else {
                    let later = exchange.calls[call.index...].contains { $0.callId == ref.resultOf }
                    let why = later ? "comes later in the batch" : "is not in this request"
                    findings.append(finding("#\(ref.argument) refers to call \"\(ref.resultOf)\", which \(why)",
                                            seq: exchange.seq, callId: call.callId))
                    continue
                }
                let names = ResultReference.responseNames(of: target)
                if !names.contains(ref.name) {
                    findings.append(finding(
                        "#\(ref.argument) names \(ref.name), but call \"\(ref.resultOf)\" is \(target.name)",
                        seq: exchange.seq, callId: call.callId))
                }
            }
        }
        return findings
    }
}
