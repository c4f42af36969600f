/// The client sends again, unchanged, a request the server refused with a 4xx: only 429 (and
/// 408, and 401/407 with new credentials) invite a repeat.
public struct RetryAfterClientErrorRule: LintRule {
    public let id = "retry-after-4xx"
    public let level = LintLevel.warning
    public let section = "RFC 8620 §3.6.1"
    public let summary = "The same request (method, target and body) is sent again after the server refused it with a 4xx other than 401, 407, 408 or 429."

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        let raw = exchange.raw
        guard let body = raw.requestBody, !body.isEmpty,
              let refused = context.refusedRequests.last(where: {
                  $0.body == body && $0.target == raw.request.target && $0.method == raw.request.method
              }) else { return [] }
        return [finding("the same request got \(refused.status) in #\(refused.seq); repeating it unchanged will fail again",
                        seq: exchange.seq)]
    }
}
