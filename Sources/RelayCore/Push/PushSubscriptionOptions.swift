/// What a push listener asked for: the data types it wants (RFC 8620 §7.3 `types`, RFC 8887
/// `dataTypes`), whether an event stream closes after its first `state` event, and the ping
/// interval. A StateChange is cut down to the wanted types before it is sent.
public struct PushSubscriptionOptions: Sendable, Equatable {
    /// The wanted types; nil means all (`*`, or `dataTypes: null`).
    public var types: Set<String>?
    /// `closeafter=state`: end the stream after the first `state` event.
    public var closeAfterState: Bool
    /// Seconds between pings; 0 means none.
    public var pingSeconds: Int

    public init(types: Set<String>? = nil, closeAfterState: Bool = false, pingSeconds: Int = 0) {
        self.types = types
        self.closeAfterState = closeAfterState
        self.pingSeconds = pingSeconds
    }

    /// The options of an EventSource URL's query (`types=Email,Mailbox&closeafter=state&ping=30`).
    /// A missing or unreadable `ping` means none; the RFC lets a server raise a small one, and
    /// this keeps anything from 1 up.
    public init(eventSourceQuery query: Substring?) {
        var options = PushSubscriptionOptions()
        for (name, value) in HARExporter.queryString(query) {
            switch name {
            case "types":
                let list = value.split(separator: ",").map { String($0).trimmingASCIIWhitespace() }.filter { !$0.isEmpty }
                options.types = list.contains("*") ? nil : Set(list)
            case "closeafter": options.closeAfterState = value == "state"
            case "ping": options.pingSeconds = max(0, Int(value) ?? 0)
            default: break
            }
        }
        self = options
    }

    /// The options of a `WebSocketPushEnable` object.
    public init(webSocketPushEnable v: JSONValue) {
        let list = v["dataTypes"]?.arrayValue?.compactMap(\.stringValue)
        self.init(types: list.map(Set.init))
    }

    /// The StateChange with only the wanted types; nil when nothing wanted is left. Anything
    /// that is not a StateChange passes unchanged.
    public func filter(_ change: JSONValue) -> JSONValue? {
        guard let types, let changed = change["changed"]?.objectValue else { return change }
        var kept = JSONObject()
        for (account, states) in changed {
            guard let o = states.objectValue else { continue }
            var k = JSONObject()
            for (type, state) in o where types.contains(type) { k[type] = state }
            if !k.isEmpty { kept[account] = .object(k) }
        }
        guard !kept.isEmpty else { return nil }
        var out = change
        out["changed"] = .object(kept)
        return out
    }
}
