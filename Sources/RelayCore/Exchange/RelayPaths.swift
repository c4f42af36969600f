/// The relay's own paths on its listener: one home for the rule that keeps them apart from
/// what is forwarded.
public enum RelayPaths {
    /// Whether `target` is the control API's (`/_relay` or under `/_relay/`): answered by the
    /// relay itself, on loopback only, never forwarded.
    public static func isControl(_ target: String) -> Bool {
        target.hasPrefix("/_relay") && (target.utf8.count == 7 || target.utf8.dropFirst(7).first == UInt8(ascii: "/"))
    }
}
