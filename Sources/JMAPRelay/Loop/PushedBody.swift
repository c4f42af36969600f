import RelayCore

/// A response body the relay produces over time (the inspector's live exchanges, a replayed
/// event stream): the loop starts it with a sink, and it sends through the sink from any
/// thread until it ends.
class PushedBody: BodySource, @unchecked Sendable {
    // `state` holds everything; the sink hops to the connection's loop.
    private struct State {
        var sink: BodySink?
        var queued: [[UInt8]] = []
        var ended = false
        var scrubber: SecretScrubber?
    }

    private let state = Locked(State())

    var knownLength: Int? { nil }

    func read() throws -> ArraySlice<UInt8>? { throw BodyTooLarge(limit: 0) }

    /// Bytes to send after this long without any (a client notices a dead connection only
    /// when it writes), or nil.
    var heartbeat: (interval: Duration, bytes: [UInt8])? { nil }

    /// Starts sending through `sink` what was queued, then what comes.
    func start(_ sink: BodySink) {
        let (queued, ended, scrubber) = state.withLock { s -> ([[UInt8]], Bool, SecretScrubber?) in
            s.sink = sink
            defer { s.queued = [] }
            return (s.queued, s.ended, s.scrubber)
        }
        for q in queued { sink.send(scrubber?.scrub(q) ?? q) }
        if ended { sink.end() }
    }

    /// Masks the credentials `scrubber` knows in every byte sent from now on, queued ones too
    /// (a body that reports on exchanges, such as the control API's event stream).
    func scrubbing(with scrubber: SecretScrubber) { state.withLock { $0.scrubber = scrubber } }

    /// Sends bytes (queued until the body is started); nothing once it ended.
    func emit(_ bytes: [UInt8]) {
        let (sink, scrubber) = state.withLock { s -> (BodySink?, SecretScrubber?) in
            guard !s.ended else { return (nil, nil) }
            if s.sink == nil { s.queued.append(bytes) }
            return (s.sink, s.scrubber)
        }
        sink?.send(scrubber?.scrub(bytes) ?? bytes)
    }

    /// Ends the body after what was sent.
    func finish() {
        let sink = state.withLock { s -> BodySink? in
            if s.ended { return nil }
            s.ended = true
            return s.sink
        }
        sink?.end()
    }
}

/// Where a pushed body's bytes go: the connection writing it, on its own loop's thread.
final class BodySink: @unchecked Sendable {
    // The connection is only touched on `loop`'s thread (inside `execute`).
    private let loop: EventLoop
    private weak var connection: LoopConnection?

    init(loop: EventLoop, connection: LoopConnection) {
        self.loop = loop
        self.connection = connection
    }

    func send(_ bytes: [UInt8]) { loop.execute { [self] in connection?.pushedBytes(bytes) } }

    func end() { loop.execute { [self] in connection?.pushedEnd() } }
}
