/// Which headers cross the relay: hop-by-hop headers stay on their hop (RFC 9110 §7.6.1),
/// framing is redone by the codec, `Host` becomes the upstream's.
public enum HeaderPolicy {
    /// Headers that never cross a proxy, lowercased.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade",
    ]

    /// The request headers to send upstream.
    /// - Parameters:
    ///   - headers: as the client sent them.
    ///   - origin: the upstream origin (sets `Host`).
    ///   - upgrading: keep `Upgrade` and `Connection: Upgrade` for a WebSocket handshake.
    ///   - authorization: injected when the client sent none (`--auth-env`).
    public static func upstreamRequestHeaders(
        _ headers: HTTPHeaders, origin: Origin, upgrading: Bool, authorization: String? = nil
    ) -> HTTPHeaders {
        var out = stripHopByHop(headers)
        out.remove("host")
        out.remove("content-length")
        out.remove("expect")
        var withHost = HTTPHeaders([HTTPField(name: "Host", value: origin.hostHeader)])
        for f in out { withHost.add(f.name, f.value) }
        if let authorization, !withHost.contains("authorization") { withHost.add("Authorization", authorization) }
        if upgrading, let up = headers["upgrade"] {
            withHost.add("Connection", "Upgrade")
            withHost.add("Upgrade", up)
        }
        return withHost
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
        let named = Set(headers.tokens(for: "connection"))
        var out = headers
        out.removeAll { f in
            let n = f.name.lowercased()
            return hopByHop.contains(n) || named.contains(n)
        }
        return out
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
        head.headers.contains("upgrade") && head.headers.tokens(for: "connection").contains("upgrade")
    }

    /// Whether the client wants the connection kept open after this exchange.
    public static func clientWantsKeepAlive(_ head: HTTPRequestHead) -> Bool {
        let tokens = head.headers.tokens(for: "connection")
        if head.version == .http10 { return tokens.contains("keep-alive") }
        return !tokens.contains("close")
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
