/// Turns the JMAP messages on a WebSocket into what a recording keeps: a `Request` is held
/// until its `Response` (or `RequestError`) arrives and the two come out as a pair; a
/// `StateChange` comes out alone. Other messages give nothing.
public struct WebSocketMessagePairer: Sendable {
    /// What to record.
    public enum Output: Sendable, Equatable {
        /// A request and its answer.
        case pair(request: JSONValue, response: JSONValue)
        /// A state change the server pushed.
        case stateChange(JSONValue)
    }

    private var pending: [String: JSONValue] = [:]
    private var order: [String] = []
    /// Requests remembered while waiting for their answer; older ones are forgotten.
    public let maxPending = 1024

    public init() {}

    /// One whole text message; `fromClient` tells its direction.
    public mutating func message(_ bytes: [UInt8], fromClient: Bool) -> Output? {
        guard let v = try? JSONParser.parse(bytes), let type = v["@type"]?.stringValue else { return nil }
        switch (type, fromClient) {
        case ("Request", true):
            guard let id = v["id"]?.stringValue else { return nil }
            if pending.updateValue(v, forKey: id) == nil { order.append(id) }
            while order.count > maxPending { pending[order.removeFirst()] = nil }
            return nil
        case ("Response", false), ("RequestError", false):
            guard let id = v["requestId"]?.stringValue, let request = pending.removeValue(forKey: id) else { return nil }
            order.removeAll { $0 == id }
            return .pair(request: request, response: v)
        case ("StateChange", false):
            return .stateChange(v)
        default:
            return nil
        }
    }
}
