/// A web page's origin as the `Origin` header and `--allow-origin` write it
/// (`scheme://host[:port]`), compared as browsers compare origins: scheme and host without
/// regard to case, the default port of `http` and `https` implied.
public struct WebOrigin: Sendable, Hashable, CustomStringConvertible {
    /// The scheme, lowercased.
    public let scheme: String
    /// The host, normalised as in `HostAuthority`.
    public let host: String
    /// The port, explicit or the scheme's default; nil for a scheme that has none.
    public let port: Int?

    /// Parses `scheme://host[:port]` with at most a trailing `/`; nil for anything else,
    /// `null` (sandboxed frames, `file:` pages) included.
    public init?(_ text: some StringProtocol) {
        guard let sep = text.range(of: "://") else { return nil }
        let scheme = text[..<sep.lowerBound].lowercased()
        guard let first = scheme.utf8.first, (0x61...0x7A).contains(first),
            scheme.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || "+-.".utf8.contains($0) })
        else { return nil }
        var rest = text[sep.upperBound...]
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard let authority = HostAuthority(rest) else { return nil }
        self.scheme = scheme
        self.host = authority.host
        self.port = authority.port ?? Self.defaultPort(scheme)
    }

    static func defaultPort(_ scheme: String) -> Int? {
        switch scheme {
        case "http", "ws": return 80
        case "https", "wss": return 443
        default: return nil
        }
    }

    /// `scheme://host[:port]`, the port only when not the default, as a browser sends it.
    public var description: String {
        let a = HostAuthority(host: host, port: port == Self.defaultPort(scheme) ? nil : port)
        return "\(scheme)://\(a)"
    }
}
