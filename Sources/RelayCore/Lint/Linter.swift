/// Runs lint rules over a conversation, one exchange at a time, keeping the state rules need
/// across exchanges. Use `check(_:)` from a live relay as exchanges complete, or `lint(_:)`
/// for a whole recording.
public struct Linter: Sendable {
    /// The rules that run, in report order.
    public let rules: [any LintRule]
    /// The conversation so far.
    public private(set) var context = LintContext()

    /// A linter with `rules`, minus those whose id is in `ignoring`.
    public init(rules: [any LintRule] = LintRules.all, ignoring: Set<String> = []) {
        self.rules = rules.filter { !ignoring.contains($0.id) }
    }

    /// Findings for the next exchange of the conversation; then remembers it.
    public mutating func check(_ exchange: RecordedExchange) -> [LintFinding] {
        let parsed = LintExchange(exchange)
        let findings = rules.flatMap { $0.check(parsed, in: context) }
        context.absorb(parsed)
        return findings
    }

    /// Findings for a message the client sent on the WebSocket opened by exchange `seq`.
    public func check(webSocketClientMessage message: JSONValue, seq: Int) -> [LintFinding] {
        rules.flatMap { ($0 as? any WebSocketLintRule)?.check(clientMessage: message, seq: seq) ?? [] }
    }

    /// Findings for a whole conversation, in exchange order.
    public mutating func lint(_ exchanges: [RecordedExchange]) -> [LintFinding] {
        exchanges.flatMap { check($0) }
    }
}
