import RelayCore

/// Answers from a recording and leaves to the network what the recording lacks
/// (`--record-mode new`): the forwarded exchanges are the ones that get recorded.
public final class FallbackUpstream: Upstream, Sendable {
    /// The recording's side.
    let replay: ReplayUpstream
    /// Where misses for the recording's primary origin go instead (replay `--upstream`).
    private let primaryOverride: Origin?

    public init(replay: ReplayUpstream, forwardingPrimaryTo override: Origin? = nil) {
        self.replay = replay
        self.primaryOverride = override
    }

    public var recording: ReplayUpstream? { replay }

    public func answer(_ request: inout UpstreamRequest) throws -> UpstreamResponse? {
        let answer = try replay.send(request)
        guard answer.head.headers["x-relay-replay"] == "miss" else { return answer }
        if let o = primaryOverride, request.origin == replay.primaryOrigin {
            request.origin = o
            request.head.headers.set("Host", o.hostHeader)
        }
        return nil
    }
}
