import RelayCore

/// Answers from a recording and forwards to the network what the recording lacks
/// (`--record-mode new`): the forwarded exchanges are the ones that get recorded.
public final class FallbackUpstream: Upstream, Sendable {
    /// The recording's side.
    let replay: ReplayUpstream
    private let live: any Upstream
    /// Where misses for the recording's primary origin go instead (replay `--upstream`).
    private let primaryOverride: Origin?

    public init(replay: ReplayUpstream, live: any Upstream, forwardingPrimaryTo override: Origin? = nil) {
        self.replay = replay
        self.live = live
        self.primaryOverride = override
    }

    public var recording: ReplayUpstream? { replay }

    public func send(_ request: UpstreamRequest) throws -> UpstreamResponse {
        let body = try request.body.readAll(limit: replay.maxBodyBytes)
        var r = request
        r.body = BufferedBody(body)
        let answer = try replay.send(r)
        guard answer.head.headers["x-relay-replay"] == "miss" else { return answer }
        r.body = BufferedBody(body)
        if let o = primaryOverride, r.origin == replay.primaryOrigin {
            r.origin = o
            r.head.headers.set("Host", o.hostHeader)
        }
        return try live.send(r)
    }
}
