/// A host and an optional port, as a `Host` header or `--allow-host` names them, normalised
/// so that spellings of one name compare equal: lowercased, without the trailing dot of a
/// fully qualified name, an IPv6 address without its brackets.
public struct HostAuthority: Sendable, Hashable, CustomStringConvertible {
    /// The name or address, normalised.
    public let host: String
    /// The port when one was given.
    public let port: Int?

    public init(host: String, port: Int? = nil) {
        var h = host.lowercased()
        if h.hasPrefix("["), h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        if h.count > 1, h.hasSuffix(".") { h.removeLast() }
        self.host = h
        self.port = port
    }

    /// Parses `name`, `name:port`, `[v6]` or `[v6]:port`; nil for anything else (a path, a
    /// user, a list, an empty name, a port out of range).
    public init?(_ text: some StringProtocol) {
        let text = Substring(text)
        let host: Substring
        let portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { return nil }
            portText = after.isEmpty ? nil : after.dropFirst()
            guard Origin.isValidHost(host, bracketed: true) else { return nil }
        } else {
            if let colon = text.firstIndex(of: ":") {
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            } else {
                host = text
                portText = nil
            }
            guard Origin.isValidHost(host, bracketed: false),
                !host.utf8.contains(where: { Self.notInAName.contains($0) })
            else { return nil }
        }
        guard !host.isEmpty, host != "." else { return nil }
        var port: Int?
        if let portText, !portText.isEmpty {  // `name:` is a name with no port (RFC 3986)
            guard portText.count <= 5, portText.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                let p = Int(portText), (1...65535).contains(p)
            else { return nil }
            port = p
        }
        self.init(host: String(host), port: port)
    }

    /// Bytes that end a host in a URL or introduce a user: never part of a `Host` value.
    private static let notInAName: Set<UInt8> = Set("/?#@\\,".utf8)

    /// Whether `other` names this host, and this port when this one names a port.
    public func admits(_ other: HostAuthority) -> Bool {
        host == other.host && (port == nil || port == other.port)
    }

    /// `name`, `name:port` or `[v6]:port`, as a `Host` header would say it.
    public var description: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return port.map { "\(h):\($0)" } ?? h
    }
}
