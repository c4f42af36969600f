/// A server-side hint: a client enabled WebSocket push with `dataTypes: null`, which RFC 8887
/// defines as "all types", and Cyrus then sends no StateChange at all (with or without the
/// relay). The client is right; naming the types works around the server.
public struct WebSocketPushAllTypesRule: WebSocketLintRule {
    public let id = "websocket-push-all-types"
    public let level = LintLevel.info
    public let section = "RFC 8887 §4.3.5.2"
    public let summary = "WebSocketPushEnable with dataTypes null (all types): some servers (Cyrus) then push no StateChange at all."

    public init() {}

    /// Nothing to say about HTTP exchanges: the push enable travels on the WebSocket.
    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] { [] }

    public func check(clientMessage: JSONValue, seq: Int) -> [LintFinding] {
        guard clientMessage["@type"]?.stringValue == "WebSocketPushEnable" else { return [] }
        // A missing dataTypes is null too (RFC 8887 §4.3.5.2: "A list of data type names or null").
        guard clientMessage["dataTypes"] == nil || clientMessage["dataTypes"] == .null else { return [] }
        return [finding(
            "dataTypes null asks for changes to every type, but some servers (Cyrus) then send no StateChange at all; "
                + "if none arrive, name the types, e.g. \"dataTypes\":[\"Email\",\"Mailbox\"]", seq: seq)]
    }
}
