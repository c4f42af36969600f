/// A request has more method calls than the session's `maxCallsInRequest`.
public struct TooManyCallsRule: LintRule {
    public let id = "too-many-calls"
    public let level = LintLevel.error
    public let section = "RFC 8620 §2"
    public let summary = "A request has more method calls than the session's `maxCallsInRequest` (the server answers `limit`)."

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        guard exchange.isAPIRequest, let max = context.session?.coreLimit("maxCallsInRequest"),
              exchange.calls.count > max else { return [] }
        return [finding("\(exchange.calls.count) method calls; the session allows \(max) (maxCallsInRequest)", seq: exchange.seq)]
    }
}
