/// A method is called without its capability in `using`: a strict server answers `unknownMethod`.
/// The core capability must always be listed (erratum 6606 makes that explicit).
public struct CapabilityNotInUsingRule: LintRule {
    public let id = "capability-not-in-using"
    public let level = LintLevel.error
    public let section = "RFC 8620 §3.3"
    public let summary = "A called method's capability (e.g. urn:ietf:params:jmap:mail for Email/get) is missing from `using`."

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        guard exchange.isAPIRequest else { return [] }
        let using = Set(exchange.using)
        var findings: [LintFinding] = []
        if !using.contains(JMAPCapability.core) {
            findings.append(finding("`using` lacks \(JMAPCapability.core), which every request must list (RFC 8620 erratum 6606)",
                                    seq: exchange.seq))
        }
        for call in exchange.calls {
            guard let needed = JMAPCapability.required(by: call.name), needed != JMAPCapability.core,
                  !using.contains(needed) else { continue }
            findings.append(finding("\(call.name) needs \(needed) in `using`", seq: exchange.seq, callId: call.callId))
        }
        return findings
    }
}
