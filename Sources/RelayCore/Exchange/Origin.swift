/// A scheme, host and port the relay may forward to. `ws`/`wss` share an origin with
/// `http`/`https` on the same host and port: `secure` is what tells them apart.
public struct Origin: Sendable, Hashable, Codable, CustomStringConvertible {
    /// TLS (`https`/`wss`) or plain (`http`/`ws`).
    public let secure: Bool
    /// Host name or address, lowercased; IPv6 without brackets.
    public let host: String
    /// Port, explicit or the scheme's default.
    public let port: Int
    /// `host:port` as a `Host` header says it (the port only when not the default); made once,
    /// as every forwarded request needs it.
    public let hostHeader: String
    /// `http://host:port` or `https://…`, without a trailing slash.
    public let httpBase: String

    public init(secure: Bool, host: String, port: Int? = nil) {
        self.secure = secure
        self.host = host.lowercased()
        self.port = port ?? (secure ? 443 : 80)
        let h = self.host.contains(":") ? "[\(self.host)]" : self.host
        hostHeader = self.port == (secure ? 443 : 80) ? h : "\(h):\(self.port)"
        httpBase = (secure ? "https://" : "http://") + hostHeader
    }

    private enum CodingKeys: String, CodingKey { case secure, host, port }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(secure: try c.decode(Bool.self, forKey: .secure), host: try c.decode(String.self, forKey: .host),
                  port: try c.decode(Int.self, forKey: .port))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(secure, forKey: .secure)
        try c.encode(host, forKey: .host)
        try c.encode(port, forKey: .port)
    }

    public static func == (a: Origin, b: Origin) -> Bool { a.secure == b.secure && a.port == b.port && a.host == b.host }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(secure)
        hasher.combine(host)
        hasher.combine(port)
    }

    /// Parses `http://host[:port]` (any path after it is ignored); `https`, `ws`, `wss` too.
    public init?(url: String) {
        let lower = url.lowercased()
        let secure: Bool
        let rest: Substring
        if lower.hasPrefix("https://") { secure = true; rest = url.dropFirst(8) }
        else if lower.hasPrefix("http://") { secure = false; rest = url.dropFirst(7) }
        else if lower.hasPrefix("wss://") { secure = true; rest = url.dropFirst(6) }
        else if lower.hasPrefix("ws://") { secure = false; rest = url.dropFirst(5) }
        else { return nil }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var host = Substring(authority)
        var port: Int?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else { return nil }
                port = p
            } else if !after.isEmpty { return nil }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
        }
        guard !host.isEmpty, Self.isValidHost(host, bracketed: authority.hasPrefix("[")) else { return nil }
        self.init(secure: secure, host: String(host), port: port)
    }

    /// A host that `hostHeader` writes back unchanged: an IPv6 address inside brackets, else
    /// a name with no colon, bracket, space or control byte ("http://a::1]:80" is not an origin).
    static func isValidHost(_ host: Substring, bracketed: Bool) -> Bool {
        if bracketed {
            return host.utf8.allSatisfy { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") || $0.isHexDigitASCII }
        }
        return !host.utf8.contains { $0 <= 0x20 || $0 == 0x7F || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "]") }
    }

    /// `host` or `host:port` when the port is not the default, as sent in `Host`.

    /// `ws://host:port` or `wss://…`.
    public var wsBase: String { (secure ? "wss://" : "ws://") + hostHeader }

    public var description: String { httpBase }
}

extension UInt8 {
    /// 0-9, a-f or A-F.
    fileprivate var isHexDigitASCII: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}
