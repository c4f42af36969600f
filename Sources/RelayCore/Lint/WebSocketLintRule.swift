/// A lint rule that also reads the JMAP messages a client sends over a WebSocket (RFC 8887),
/// which are not HTTP exchanges.
public protocol WebSocketLintRule: LintRule {
    /// Findings for one message the client sent on the WebSocket opened by exchange `seq`.
    func check(clientMessage: JSONValue, seq: Int) -> [LintFinding]
}
