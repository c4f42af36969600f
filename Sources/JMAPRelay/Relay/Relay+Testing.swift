import Foundation
import RelayCore

/// One-call set-up for a client's test suite: a started relay on loopback, port 0 unless
/// asked otherwise, with the trace off (turn it on with `configure: { $0.trace = .text }`).
extension Relay {
    /// Starts a relay that answers from the recording at `path`, with no network: the
    /// in-process form of `jmap-relay replay FILE`. Requests the recording cannot answer get
    /// HTTP 500 with a `replay-miss` problem body and are listed in `misses`.
    /// - Parameters:
    ///   - path: A `.jsonl` recording made with `serve --record` (relative to the current directory).
    ///   - port: Port to listen on; 0 picks a free one (read it from `port` or `baseURL`).
    ///   - configure: Changes to the configuration before start (faults, trace, limits, lint).
    /// - Throws: `RecordingError` for a corrupt recording, `RecordingFileError` for an
    ///   unreadable one, `RelayError` when it cannot listen.
    public static func replaying(
        _ path: String, port: Int = 0, configure: (inout RelayConfiguration) -> Void = { _ in }
    ) throws -> Relay {
        let recording = try RecordingFile.load(path: path)
        var config = RelayConfiguration(upstream: recording.header.upstream, listenPort: port)
        config.trace = .off
        configure(&config)
        let replay = ReplayUpstream(recording: recording)
        // Push recorded alongside (event stream, WebSocket, webhooks) is played back too.
        let relay = try Relay(configuration: config, upstream: try PushReplayUpstream(recording: recording, replay: replay),
                              primaryOrigin: recording.header.origins[0])
        try relay.start()
        return relay
    }

    /// Starts a relay in front of a live JMAP server: the in-process form of
    /// `jmap-relay serve --upstream URL`.
    /// - Parameters:
    ///   - upstream: The server, e.g. `http://127.0.0.1:8480`; a path is taken as the session URL.
    ///   - port: Port to listen on; 0 picks a free one.
    ///   - configure: Changes to the configuration before start (`recorder`, faults, trace, TLS).
    /// - Throws: `RelayError` for a bad upstream URL or when it cannot listen.
    public static func serving(
        upstream: String, port: Int = 0, configure: (inout RelayConfiguration) -> Void = { _ in }
    ) throws -> Relay {
        var config = RelayConfiguration(upstream: upstream, listenPort: port)
        config.trace = .off
        configure(&config)
        let relay = try Relay(configuration: config)
        try relay.start()
        return relay
    }

    /// Requests the recording could not answer so far, with the nearest recorded request and
    /// what differs; always empty in front of a live server.
    public var misses: [ReplayMiss] { replayUpstream?.misses ?? [] }

    /// Sequence numbers of recorded exchanges never served so far (`--require-all`); empty in
    /// front of a live server.
    public var unusedRecordedExchanges: [Int] { replayUpstream?.unusedSeqs ?? [] }

    /// Waits until at least `count` exchanges (the relay's own `/_relay/` requests included)
    /// have finished, then returns the recent ones, oldest first. An exchange finishes just
    /// after its answer was written, so a client can hold the answer before `exchanges()` shows
    /// it; this closes that gap. Returns what there is when `timeout` passes first.
    public func waitForExchanges(_ count: Int, timeout: Duration = .seconds(10)) -> [Exchange] {
        let condition = NSCondition()
        let id = observers.subscribe { _ in
            condition.lock()
            condition.broadcast()
            condition.unlock()
        }
        defer { observers.unsubscribe(id) }
        let deadline = Date(timeIntervalSinceNow: Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
        condition.lock()
        defer { condition.unlock() }
        while exchanges().count < count, condition.wait(until: deadline) {}
        return exchanges()
    }

    private var replayUpstream: ReplayUpstream? {
        upstream.recording
    }
}
