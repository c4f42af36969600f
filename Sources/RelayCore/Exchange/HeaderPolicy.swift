/// Which headers cross the relay: hop-by-hop headers stay on their hop (RFC 9110 §7.6.1),
/// framing is redone by the codec, `Host` becomes the upstream's.
public enum HeaderPolicy {
    /// Headers that never cross a proxy (compared ignoring case, so no name is lowercased).
    static let hopByHop = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade",
    ]
    /// Bit n set when a hop-by-hop name has n bytes: most names are told apart by length alone.
    private static let hopByHopLengths: UInt64 = hopByHop.reduce(0) { $0 | 1 << $1.utf8.count }

    /// The request headers to send upstream.
    /// - Parameters:
    ///   - headers: as the client sent them.
    ///   - origin: the upstream origin (sets `Host`).
    ///   - upgrading: keep `Upgrade` and `Connection: Upgrade` for a WebSocket handshake.
    ///   - authorization: injected when the client sent none (`--auth-env`).
    public static func upstreamRequestHeaders(
        _ headers: HTTPHeaders, origin: Origin, upgrading: Bool, authorization: String? = nil
    ) -> HTTPHeaders {
        var fields: [HTTPField] = []
        fields.reserveCapacity(headers.count + 3)
        fields.append(HTTPField(name: "Host", value: origin.hostHeader))
        let connection = connectionNamesOthers(headers) ? headers : nil
        var hasAuthorization = false
        for f in headers.fields where !isHopByHop(f.name, connectionOf: connection) {
            if HTTPHeaders.equalsIgnoringCase(f.name, "host") || HTTPHeaders.equalsIgnoringCase(f.name, "content-length")
                || HTTPHeaders.equalsIgnoringCase(f.name, "expect")
            {
                continue
            }
            if !hasAuthorization, HTTPHeaders.equalsIgnoringCase(f.name, "authorization") { hasAuthorization = true }
            fields.append(f)
        }
        if let authorization, !hasAuthorization { fields.append(HTTPField(name: "Authorization", value: authorization)) }
        if upgrading, let up = headers["upgrade"] {
            fields.append(HTTPField(name: "Connection", value: "Upgrade"))
            fields.append(HTTPField(name: "Upgrade", value: up))
        }
        return HTTPHeaders(fields)
    }

    /// The response headers to send to the client (framing headers are set by the writer).
    public static func clientResponseHeaders(_ headers: HTTPHeaders, upgrading: Bool) -> HTTPHeaders {
        var out = stripHopByHop(headers)
        if upgrading, let up = headers["upgrade"] {
            out.add("Connection", "Upgrade")
            out.add("Upgrade", up)
        }
        return out
    }

    /// Removes hop-by-hop fields and every field the `Connection` header names.
    public static func stripHopByHop(_ headers: HTTPHeaders) -> HTTPHeaders {
        let named = connectionNamesOthers(headers)
        let drop = { (f: HTTPField) in isHopByHop(f.name, connectionOf: named ? headers : nil) }
        guard headers.fields.contains(where: drop) else { return headers }
        var kept: [HTTPField] = []
        kept.reserveCapacity(headers.count)
        for f in headers.fields where !drop(f) { kept.append(f) }
        return HTTPHeaders(kept)
    }

    /// Whether a `Connection` header lists anything but `keep-alive`, `close` or `upgrade`
    /// (names of further fields to drop); the common values are told apart without parsing.
    private static func connectionNamesOthers(_ headers: HTTPHeaders) -> Bool {
        for f in headers.fields where HTTPHeaders.equalsIgnoringCase(f.name, "connection") {
            if HTTPHeaders.equalsIgnoringCase(f.value, "keep-alive") || HTTPHeaders.equalsIgnoringCase(f.value, "close")
                || HTTPHeaders.equalsIgnoringCase(f.value, "upgrade")
            {
                continue
            }
            return true
        }
        return false
    }

    /// Whether a field stays on its hop: a standard hop-by-hop name, or one the `Connection`
    /// header of `connectionOf` lists.
    private static func isHopByHop(_ name: String, connectionOf headers: HTTPHeaders?) -> Bool {
        if let headers, headers.hasToken(name, for: "connection") { return true }
        let n = name.utf8.count
        guard n < 64, hopByHopLengths & 1 << n != 0 else { return false }
        return hopByHop.contains { HTTPHeaders.equalsIgnoringCase(name, $0) }
    }

    /// Keeps only the content codings the relay can decode (gzip, deflate, identity), so that
    /// a body it must read is never in a coding it cannot undo.
    public static func restrictAcceptEncoding(_ headers: inout HTTPHeaders) {
        guard headers.contains("accept-encoding") else { return }
        let kept = headers.tokens(for: "accept-encoding").filter { t in
            let coding = t.split(separator: ";").first.map { String($0).trimmingASCIIWhitespace() } ?? ""
            return coding == "gzip" || coding == "deflate" || coding == "identity" || coding == "x-gzip"
        }
        if kept.isEmpty { headers.set("Accept-Encoding", "identity") } else { headers.set("Accept-Encoding", kept.joined(separator: ", ")) }
    }

    /// Whether a request asks to switch protocols (`Connection: Upgrade` + `Upgrade`).
    public static func isUpgradeRequest(_ head: HTTPRequestHead) -> Bool {
        head.headers.contains("upgrade") && head.headers.hasToken("upgrade", for: "connection")
    }

    /// Whether the client wants the connection kept open after this exchange.
    /// Whether an upstream connection may carry another request after this answer (HTTP/1.1
    /// without `Connection: close`; the body framing must also end on its own).
    public static func serverKeepsAlive(_ head: HTTPResponseHead) -> Bool {
        head.version == .http11 && !head.headers.hasToken("close", for: "connection")
    }

    public static func clientWantsKeepAlive(_ head: HTTPRequestHead) -> Bool {
        if head.version == .http10 { return head.headers.hasToken("keep-alive", for: "connection") }
        return !head.headers.hasToken("close", for: "connection")
    }

    /// An `Authorization` value from an environment variable's content: `Bearer …`/`Basic …` as
    /// given, `user:password` as Basic, anything else as a Bearer token.
    public static func authorization(fromSecret secret: String) -> String {
        let s = secret.trimmingASCIIWhitespace()
        let lower = s.lowercased()
        if lower.hasPrefix("bearer ") || lower.hasPrefix("basic ") { return s }
        if s.contains(":") { return "Basic " + Base64.encode(Array(s.utf8)) }
        return "Bearer " + s
    }
}
