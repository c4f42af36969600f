/// Rewrites a JMAP session object so that every URL in it points at the relay: `apiUrl`,
/// `uploadUrl`, `downloadUrl`, `eventSourceUrl`, the WebSocket capability's `url`, and any
/// other absolute URL. Relative URLs are resolved against the session URL first; each origin
/// gets its place in the `OriginTable`; templates are left intact; key order is kept.
/// URLs follow the scheme the client came in on: `https`/`wss` for a client that reached the
/// relay over TLS, `http`/`ws` otherwise.
public struct SessionRewriter: Sendable {
    /// The relay's own listener (plain HTTP).
    public let relayBase: Origin
    /// The same listener as a TLS client reaches it.
    private let secureRelayBase: Origin

    public init(relayBase: Origin) {
        self.relayBase = relayBase
        secureRelayBase = Origin(secure: true, host: relayBase.host, port: relayBase.port)
    }

    /// The relay's origin as a client sees it: `https://…` for one that came over TLS.
    public func relayOrigin(overTLS: Bool) -> Origin { overTLS ? secureRelayBase : relayBase }

    /// Session properties holding URLs (resolved even when relative).
    static let urlKeys: Set<String> = ["apiUrl", "uploadUrl", "downloadUrl", "eventSourceUrl"]

    /// The session pointed at the relay (at `relayOrigin`, scheme included) and the relay-side
    /// endpoints it names.
    public func rewrite(session: JSONValue, sessionURL: String, relayOrigin: Origin, origins: inout OriginTable) -> RewrittenSession {
        guard case .object(var o) = session else { return RewrittenSession(session: session, endpoints: .fallback) }
        var endpoints = SessionEndpoints()
        for key in Self.urlKeys {
            guard let s = o[key]?.stringValue else { continue }
            let relayURL = mapURL(s, base: sessionURL, relayOrigin: relayOrigin, origins: &origins)
            o[key] = .string(relayURL)
            let path = URLReference.pathAndQuery(of: relayURL)
            switch key {
            case "apiUrl": endpoints.api = path
            case "uploadUrl": endpoints.upload = path
            case "downloadUrl": endpoints.download = path
            default: endpoints.eventSource = path
            }
        }
        if case .object(var caps)? = o["capabilities"] {
            let wsKey = "urn:ietf:params:jmap:websocket"
            let wsURL = caps[wsKey]?["url"]?.stringValue
            caps = caps.mapValues { $0.mappingStrings { mapIfAbsolute($0, base: sessionURL, relayOrigin: relayOrigin, origins: &origins) } }
            if let u = wsURL, case .object(var ws)? = caps[wsKey] {
                // Cyrus sends `wss:/jmap/ws/`: relative to the session, whatever its scheme says.
                let relayURL = mapURL(u, base: sessionURL, relayOrigin: relayOrigin, origins: &origins, forceWebSocket: true)
                ws["url"] = .string(relayURL)
                endpoints.webSocket = URLReference.pathAndQuery(of: relayURL)
                caps[wsKey] = .object(ws)
            }
            o["capabilities"] = .object(caps)
        }
        for key in o.keys where !Self.urlKeys.contains(key) && key != "capabilities" {
            o[key] = o[key]!.mappingStrings { mapIfAbsolute($0, base: sessionURL, relayOrigin: relayOrigin, origins: &origins) }
        }
        return RewrittenSession(session: .object(o), endpoints: endpoints)
    }

    /// A redirect `Location` pointed at the relay when it names a known origin (or the
    /// request's own); unchanged when it names an origin nobody configured.
    public func rewriteLocation(_ value: String, requestURL: String, relayOrigin: Origin, origins: inout OriginTable) -> String {
        let absolute = URLReference.resolve(value, against: requestURL)
        guard let o = Origin(url: absolute) else { return value }
        let own = Origin(url: requestURL)
        guard origins.origins.contains(o) || o == own else { return value }
        return mapURL(absolute, base: requestURL, relayOrigin: relayOrigin, origins: &origins)
    }

    /// Maps any URL (relative or absolute) to the relay.
    func mapURL(_ url: String, base: String, relayOrigin: Origin, origins: inout OriginTable, forceWebSocket: Bool = false) -> String {
        let absolute = URLReference.resolve(url, against: base)
        guard let origin = Origin(url: absolute), URLReference.split(absolute) != nil else { return url }
        let index = origins.index(for: origin)
        let path = origins.relayPath(originIndex: index, path: URLReference.pathAndQuery(of: absolute))
        let scheme = URLReference.split(url)?.scheme
        let isWS = forceWebSocket || scheme == "ws" || scheme == "wss"
        return (isWS ? relayOrigin.wsBase : relayOrigin.httpBase) + path
    }

    private func mapIfAbsolute(_ s: String, base: String, relayOrigin: Origin, origins: inout OriginTable) -> String {
        let lower = s.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("ws://") || lower.hasPrefix("wss://")
        else { return s }
        return mapURL(s, base: base, relayOrigin: relayOrigin, origins: &origins)
    }
}

/// A session after rewriting.
public struct RewrittenSession: Sendable, Equatable {
    public var session: JSONValue
    public var endpoints: SessionEndpoints
}

extension JSONValue {
    /// The value with every string (not keys) passed through `transform`.
    func mappingStrings(_ transform: (String) -> String) -> JSONValue {
        switch self {
        case .string(let s): return .string(transform(s))
        case .array(let a): return .array(a.map { $0.mappingStrings(transform) })
        case .object(let o): return .object(o.mapValues { $0.mappingStrings(transform) })
        default: return self
        }
    }
}
