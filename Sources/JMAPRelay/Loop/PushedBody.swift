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
    }

    private let state = Locked(State())

    var knownLength: Int? { nil }

    func read() throws -> ArraySlice<UInt8>? { throw BodyTooLarge(limit: 0) }

    /// Bytes to send after this long without any (a client notices a dead connection only
    /// when it writes), or nil.
    var heartbeat: (interval: Duration, bytes: [UInt8])? { nil }

    /// Starts sending through `sink` what was queued, then what comes.
    func start(_ sink: BodySink) {
        let (queued, ended) = state.withLock { s -> ([[UInt8]], Bool) in
            s.sink = sink
            defer { s.queued = [] }
            return (s.queued, s.ended)
        }
        for q in queued { sink.send(q) }
        if ended { sink.end() }
    }

    /// Sends bytes (queued until the body is started); nothing once it ended.
    func emit(_ bytes: [UInt8]) {
        let sink = state.withLock { s -> BodySink? in
            guard !s.ended else { return nil }
            if s.sink == nil { s.queued.append(bytes) }
            return s.sink
        }
        sink?.send(bytes)
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
