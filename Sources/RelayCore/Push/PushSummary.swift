/// One line of text for a JMAP `StateChange` (RFC 8620 §7.1): which types changed in which
/// account, e.g. `push state  a1: Email=s12 Mailbox=s9`. The same object arrives as an
/// EventSource `state` event's data and as a WebSocket message.
public enum PushSummary {
    /// The summary of a StateChange object; nil when `value` is not one.
    public static func stateChange(_ value: JSONValue) -> String? {
        guard let changed = value["changed"]?.objectValue else { return nil }
        if let t = value["@type"]?.stringValue, t != "StateChange" { return nil }
        if changed.isEmpty { return "push state  (nothing changed)" }
        let accounts = changed.map { account, types -> String in
            let pairs = (types.objectValue ?? JSONObject()).map { type, state in
                "\(type)=\(state.stringValue ?? state.serializedString())"
            }
            return "\(account): " + pairs.joined(separator: " ")
        }
        return "push state  " + accounts.joined(separator: "; ")
    }

    /// The summary of StateChange JSON text; nil when it does not parse as one.
    public static func stateChange<C: Collection<UInt8>>(json bytes: C) -> String? {
        guard let v = try? JSONParser.parse(bytes) else { return nil }
        return stateChange(v)
    }
}
