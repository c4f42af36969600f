/// The origins the relay may forward to. Index 0 is the configured upstream, served at the
/// relay's root; every other origin a session names gets a prefix `/_origin/N`. Anything not
/// in the table is refused: the relay is never an open proxy.
public struct OriginTable: Sendable, Equatable {
    /// Known origins, primary first.
    public private(set) var origins: [Origin]

    public init(primary: Origin) { origins = [primary] }

    /// The index of `origin`, adding it when new.
    public mutating func index(for origin: Origin) -> Int {
        if let i = origins.firstIndex(of: origin) { return i }
        origins.append(origin)
        return origins.count - 1
    }

    /// The relay-side path for `path` at origin `originIndex`.
    public func relayPath(originIndex: Int, path: String) -> String {
        originIndex == 0 ? path : "/_origin/\(originIndex)" + (path.hasPrefix("/") ? path : "/" + path)
    }

    /// Where a relay target goes: origin index and the target to send there. Nil for
    /// absolute-form targets, malformed or unknown `/_origin/` prefixes.
    public func route(_ relayTarget: String) -> (originIndex: Int, upstreamTarget: String)? {
        guard relayTarget.hasPrefix("/") else { return nil }
        guard relayTarget.hasPrefix("/_origin/") else { return (0, relayTarget) }
        let rest = relayTarget.dropFirst("/_origin/".count)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count < 6, let i = Int(digits), i > 0, i < origins.count else { return nil }
        let after = rest.dropFirst(digits.count)
        if after.isEmpty { return (i, "/") }
        guard after.hasPrefix("/") || after.hasPrefix("?") else { return nil }
        return (i, after.hasPrefix("?") ? "/" + after : String(after))
    }
}
