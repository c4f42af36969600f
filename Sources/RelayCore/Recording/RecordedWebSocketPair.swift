/// A JMAP request sent over a WebSocket and the server's answer to it (a `ws` line), so that
/// replay can answer the same request on a replayed WebSocket.
public struct RecordedWebSocketPair: Sendable, Equatable {
    public var seq: Int
    /// Milliseconds since recording started.
    public var tMs: Int
    /// The last API exchange completed before it (0 when there was none).
    public var after: Int
    /// The `Request` object as the client sent it.
    public var request: JSONValue
    /// The `Response` or `RequestError` the server sent back.
    public var response: JSONValue

    public init(seq: Int = 0, tMs: Int, after: Int = 0, request: JSONValue, response: JSONValue) {
        self.seq = seq
        self.tMs = tMs
        self.after = after
        self.request = request
        self.response = response
    }

    /// The recording line's object.
    public var json: JSONValue {
        [
            "kind": "ws", "v": 1, "seq": .int(seq), "t_ms": .int(tMs), "after": .int(after), "request": request,
            "response": response,
        ]
    }

    /// Reads a `ws` line; nil when it is not one.
    public init?(json o: JSONObject) {
        guard o["kind"]?.stringValue == "ws", let req = o["request"], let res = o["response"] else { return nil }
        self.init(seq: o["seq"]?.intValue ?? 0, tMs: o["t_ms"]?.intValue ?? 0, after: o["after"]?.intValue ?? 0,
                  request: req, response: res)
    }
}
