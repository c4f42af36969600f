/// A session URL template lacks a variable the RFC requires.
public struct SessionURLTemplateRule: LintRule {
    public let id = "session-url-template"
    public let level = LintLevel.error
    public let section = "RFC 8620 §2"
    public let summary = "downloadUrl lacks {accountId}, {blobId}, {type} or {name}; uploadUrl lacks {accountId}; eventSourceUrl lacks {types}, {closeafter} or {ping}."

    static let variables: [(property: String, names: [String])] = [
        ("downloadUrl", ["accountId", "blobId", "type", "name"]),
        ("uploadUrl", ["accountId"]),
        ("eventSourceUrl", ["types", "closeafter", "ping"]),
    ]

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        guard exchange.isSessionResponse, let session = exchange.responseJSON?.objectValue else { return [] }
        var findings: [LintFinding] = []
        for (property, names) in Self.variables {
            guard let template = session[property]?.stringValue else { continue }
            let missing = names.filter { !template.contains("{\($0)}") }
            if !missing.isEmpty {
                findings.append(finding("\(property) \"\(template)\" lacks \(missing.map { "{\($0)}" }.joined(separator: ", "))",
                                        seq: exchange.seq))
            }
        }
        return findings
    }
}
