/// After a 429 or 503 the next request comes sooner than `Retry-After` (or a second, when
/// the server named no wait). Requests already in flight when the refusal arrived are not counted.
public struct RetryWithoutBackoffRule: LintRule {
    public let id = "retry-without-backoff"
    public let level = LintLevel.warning
    public let section = "RFC 9110 §10.2.3"
    public let summary = "After a 429 or 503 the next request comes sooner than `Retry-After` asked (1 s when it named no wait)."

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        guard let backoff = context.backoff, (backoff.arrivedMs..<backoff.notBeforeMs).contains(exchange.raw.tMs) else {
            return []
        }
        let early = backoff.notBeforeMs - exchange.raw.tMs
        let asked = backoff.fromRetryAfter ? "its Retry-After" : "no Retry-After, so at least 1 s"
        return [finding("sent \(early) ms too early after the \(backoff.status) of #\(backoff.seq) (\(asked))", seq: exchange.seq)]
    }
}
