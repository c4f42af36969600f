/// A response said the session changed (`sessionState` differs from the session's `state`),
/// and the client sent its next API request without fetching the session again (requests
/// already in flight when that response arrived are not counted).
public struct SessionStateIgnoredRule: LintRule {
    public let id = "session-state-ignored"
    public let level = LintLevel.warning
    public let section = "RFC 8620 §3.4"
    public let summary = "A response's `sessionState` differed from the session's `state`, and the next API request came before a session refetch."

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        guard exchange.isAPIRequest, let stale = context.staleSession, !stale.reported,
              exchange.raw.tMs >= stale.arrivedMs else { return [] }
        let old = context.session.map { "\"\($0.state ?? "")\" (#\($0.seq))" } ?? "unknown"
        return [finding(
            "#\(stale.seq) answered sessionState \"\(stale.sessionState)\", but the session is still \(old): fetch it again before the next request",
            seq: exchange.seq)]
    }
}
