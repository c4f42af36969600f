/// The session object lacks a property RFC 8620 requires, or the core capability.
public struct SessionMissingPropertyRule: LintRule {
    public let id = "session-missing-property"
    public let level = LintLevel.error
    public let section = "RFC 8620 §2"
    public let summary = "The session lacks a required property (capabilities, accounts, primaryAccounts, username, apiUrl, downloadUrl, uploadUrl, eventSourceUrl, state) or the core capability."

    static let required = ["capabilities", "accounts", "primaryAccounts", "username", "apiUrl", "downloadUrl", "uploadUrl",
                           "eventSourceUrl", "state"]

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        guard exchange.isSessionResponse, let session = exchange.responseJSON?.objectValue else { return [] }
        var findings = Self.required.filter { session[$0] == nil || session[$0]!.isNull }
            .map { finding("the session has no \"\($0)\"", seq: exchange.seq) }
        if let caps = session["capabilities"]?.objectValue, caps[JMAPCapability.core] == nil {
            findings.append(finding("capabilities lack \(JMAPCapability.core)", seq: exchange.seq))
        }
        return findings
    }
}
