/// A successful API response is not labelled `application/json`.
public struct APIContentTypeRule: LintRule {
    public let id = "api-content-type"
    public let level = LintLevel.error
    public let section = "RFC 8620 §3.1"
    public let summary = "A successful API response's Content-Type is not application/json."

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        guard exchange.raw.kind == .api, (200..<300).contains(exchange.status), exchange.status != 204 else { return [] }
        let contentType = exchange.raw.response.headers["content-type"]
        let mediaType = contentType?.split(separator: ";").first.map { $0.trimmingASCIIWhitespace().lowercased() }
        guard mediaType != "application/json" else { return [] }
        let shown = contentType.map { "Content-Type \"\($0)\"" } ?? "no Content-Type"
        return [finding("the API response has \(shown), not application/json", seq: exchange.seq)]
    }
}
