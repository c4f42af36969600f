import RelayCore

/// Answers from a recording and forwards to the network what the recording lacks
/// (`--record-mode new`): the forwarded exchanges are the ones that get recorded.
public final class FallbackUpstream: Upstream, Sendable {
    private let replay: ReplayUpstream
    private let live: any Upstream

    public init(replay: ReplayUpstream, live: any Upstream) {
        self.replay = replay
        self.live = live
    }

    public func send(_ request: UpstreamRequest) throws -> UpstreamResponse {
        let body = try request.body.readAll(limit: replay.maxBodyBytes)
        var r = request
        r.body = BufferedBody(body)
        let answer = try replay.send(r)
        guard answer.head.headers["x-relay-replay"] == "miss" else { return answer }
        r.body = BufferedBody(body)
        return try live.send(r)
    }
}
