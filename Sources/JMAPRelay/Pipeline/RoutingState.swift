import RelayCore
import Synchronization

/// What the relay has learned from the sessions it rewrote: the origins it may forward to and
/// the endpoints the session names. Read on every request, written when a session passes.
final class RoutingState: Sendable {
    private struct State {
        var origins: OriginTable
        var endpoints: SessionEndpoints
        /// Relay-side paths that serve the session (`/.well-known/jmap`, redirect targets).
        var sessionPaths: Set<String>
    }

    private let state: Locked<State>

    init(primary: Origin, sessionPath: String?) {
        var paths: Set<String> = ["/.well-known/jmap"]
        if let p = sessionPath, p != "/", !p.isEmpty { paths.insert(p) }
        state = Locked(State(origins: OriginTable(primary: primary), endpoints: .fallback, sessionPaths: paths))
    }

    /// The origin and upstream target for a relay target; nil when it is not ours to forward.
    func route(_ target: String) -> (origin: Origin, originIndex: Int, upstreamTarget: String)? {
        state.withLock { s in
            guard let r = s.origins.route(target), r.originIndex < s.origins.origins.count else { return nil }
            return (s.origins.origins[r.originIndex], r.originIndex, r.upstreamTarget)
        }
    }

    /// The endpoint kind of a request.
    func kind(method: String, target: String) -> EndpointKind {
        let path = target.utf8.firstIndex(of: UInt8(ascii: "?")).map { String(target[..<$0]) } ?? target
        return state.withLock { s in
            if s.sessionPaths.contains(path) { return .session }
            return s.endpoints.kind(method: method, relayTarget: target)
        }
    }

    /// Rewrites a session for the relay and remembers its endpoints and origins.
    func rewriteSession(_ session: JSONValue, sessionURL: String, rewriter: SessionRewriter, relayOrigin: Origin) -> JSONValue {
        state.withLock { s in
            let r = rewriter.rewrite(session: session, sessionURL: sessionURL, relayOrigin: relayOrigin, origins: &s.origins)
            s.endpoints = r.endpoints
            return r.session
        }
    }

    /// Rewrites a redirect's `Location`; a redirect of a session request makes its target a session path too.
    func rewriteLocation(_ value: String, requestURL: String, rewriter: SessionRewriter, relayOrigin: Origin, isSession: Bool) -> String {
        state.withLock { s in
            let v = rewriter.rewriteLocation(value, requestURL: requestURL, relayOrigin: relayOrigin, origins: &s.origins)
            if isSession, let path = Self.relayPath(of: v, relayBase: rewriter.relayBase) { s.sessionPaths.insert(path) }
            return v
        }
    }

    /// Marks a relay path as serving the session.
    func addSessionPath(_ path: String) { state.withLock { _ = $0.sessionPaths.insert(path) } }

    /// Every origin known so far, index 0 first.
    var origins: [Origin] { state.withLock { $0.origins.origins } }

    /// The path part of `url` when it points at the relay.
    static func relayPath(of url: String, relayBase: Origin) -> String? {
        guard let o = Origin(url: url), o.host == relayBase.host, o.port == relayBase.port else {
            return url.hasPrefix("/") ? String(url.split(separator: "?", maxSplits: 1)[0]) : nil
        }
        let afterScheme = url.drop { $0 != "/" }.dropFirst(2)
        let path = afterScheme.drop { $0 != "/" }
        return String(path.split(separator: "?", maxSplits: 1).first ?? "/")
    }
}
