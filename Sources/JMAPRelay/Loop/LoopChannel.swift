import RelayCore

/// What both kinds of loop connection share: reading the socket into the loop's buffer,
/// an output queue written as fast as the socket takes it (a piece may wait for an instant:
/// delay and bandwidth faults are timers, never sleeps), and reading paused while whoever
/// consumes it is slower (backpressure). Subclasses react to `received`, `receivedEOF`,
/// `outputDrained` and failures. Owned by its loop's thread.
class LoopChannel: LoopHandler {
    private(set) var socket: Socket
    /// Plain bytes or TLS: the one place a connection meets the wire.
    var transport: any Transport
    /// The loop owns this connection and outlives it; `unowned(unsafe)` spares a reference
    /// count check on each of the many uses per exchange.
    unowned(unsafe) let loop: EventLoop
    var token: UInt64
    private var out: [UInt8] = []
    private var written = 0
    /// Pieces waiting for their instant, in order; everything after a held piece waits too.
    private var held: [(at: UInt64, bytes: [UInt8])] = []
    private var heldBytes = 0
    private var heldTimerArmed = false
    private var watchingWrites = false
    private(set) var readPaused = false
    private var inRead = false
    /// Close once everything queued is written.
    private var closeWhenFlushed = false
    private(set) var isClosed = false

    /// Above this many bytes queued for a channel, whoever feeds it stops reading its own side.
    static let highWater = 256 * 1024

    init(socket: Socket, transport: any Transport, loop: EventLoop, token: UInt64) {
        self.socket = socket
        self.transport = transport
        self.loop = loop
        self.token = token
    }

    /// Bytes queued and not yet written.
    var pendingOutput: Int { out.count - written + heldBytes }

    /// Whether whoever feeds this channel should stop reading for now.
    var isCongested: Bool { pendingOutput > Self.highWater }

    func handle(events: UInt32) {
        if isClosed { return }
        if events & (EventPoller.writable | EventPoller.hangup) != 0 || transport.wantsWritable { flush(drainedByEvent: true) }
        if isClosed { return }
        if events & (EventPoller.readable | EventPoller.hangup) != 0, !readPaused { readAvailable(events: events) }
    }

    func checkTimeout(now: UInt64) {}

    // MARK: Reading

    /// Reads what the socket holds and hands it to `received`, until it is drained, reading
    /// is paused or the peer ended.
    /// - Parameters:
    ///   - events: the epoll events that caused the read; a short read ends it unless they
    ///     report a hang-up (its edge is already consumed, so the end must be read now).
    func readAvailable(events: UInt32 = EventPoller.hangup) {
        guard !inRead else { return }
        inRead = true
        defer { inRead = false }
        while !isClosed, !readPaused {
            let n: Int?
            do {
                n = try transport.read(into: loop.scratch)
            } catch {
                return failed(error)
            }
            guard let n else { break }
            if n == 0 { return receivedEOF() }
            received(UnsafeRawBufferPointer(rebasing: loop.scratch[0..<n]))
            // A short read emptied the socket: anything later raises a new edge.
            if n < loop.scratch.count, events & EventPoller.hangup == 0, transport.shortReadDrains { break }
        }
        // A TLS handshake may have produced bytes to send while reading.
        if !isClosed, transport.wantsWritable || out.count > written { flush(drainedByEvent: false) }
    }

    /// Stops reading until `resumeReading` (the consumer is behind).
    func pauseReading() { readPaused = true }

    /// Reads again, including what arrived meanwhile (its edge is gone).
    func resumeReading() {
        guard readPaused else { return }
        readPaused = false
        if !inRead { readAvailable() }
    }

    /// Bytes read from the socket.
    func received(_ bytes: UnsafeRawBufferPointer) {}

    /// The peer ended its side.
    func receivedEOF() { close() }

    /// Reading or writing failed.
    func failed(_ error: any Error) { close() }

    /// Everything queued was written after the socket had been full or a piece had waited.
    func outputDrained() {}

    // MARK: Writing

    /// Queues `bytes`, to be written at once or, with `notBefore`, not before that instant.
    func send(_ bytes: [UInt8], notBefore: UInt64 = 0) {
        guard !isClosed, !bytes.isEmpty else { return }
        if !held.isEmpty || (notBefore > 0 && notBefore > MonotonicClock.nanos()) {
            held.append((notBefore, bytes))
            heldBytes += bytes.count
            armHeldTimer()
            return
        }
        if written == out.count {
            out = bytes
            written = 0
        } else {
            out.append(contentsOf: bytes)
        }
        flush(drainedByEvent: false)
    }

    /// Closes once everything queued has been written.
    func closeAfterFlush() {
        closeWhenFlushed = true
        if pendingOutput == 0 { close() }
    }

    private func armHeldTimer() {
        guard !heldTimerArmed, let first = held.first else { return }
        heldTimerArmed = true
        loop.schedule(at: first.at) { [weak self] in
            guard let self, !self.isClosed else { return }
            self.heldTimerArmed = false
            let now = MonotonicClock.nanos()
            while let first = self.held.first, first.at <= now {
                self.held.removeFirst()
                self.heldBytes -= first.bytes.count
                self.out.append(contentsOf: first.bytes)
            }
            self.armHeldTimer()
            self.flush(drainedByEvent: true)
        }
    }

    /// Moves the channel to another socket before anything was written to the first (a
    /// connect to a name's next address); false when epoll refused the new one.
    func replaceSocket(_ s: Socket, transport t: any Transport, connecting: Bool) -> Bool {
        transport.close()
        socket = s
        transport = t
        watchingWrites = connecting
        return loop.poller.addConnection(s.fd, token: token, writing: connecting)
    }

    /// Whether the socket may be written yet (not while a connect is in progress).
    var canWrite: Bool { true }

    /// Writes what is queued, as far as the socket takes it.
    func flush(drainedByEvent: Bool) {
        guard canWrite else { return watchWrites(true) }
        do {
            while written < out.count {
                let n = try out.withUnsafeBytes { try transport.write(UnsafeRawBufferPointer(rebasing: $0[written...])) }
                if n == 0 { return watchWrites(true) }  // the rest when the socket is writable again
                written += n
            }
            if try !transport.flushPending() || transport.wantsWritable { return watchWrites(true) }
        } catch {
            return failed(error)
        }
        if watchingWrites { watchWrites(false) }
        // The buffer is kept for the next exchange, unless a big body grew it.
        out.removeAll(keepingCapacity: out.capacity <= 64 * 1024)
        written = 0
        guard held.isEmpty else { return }
        if closeWhenFlushed { return close() }
        if drainedByEvent { outputDrained() }
    }

    private func watchWrites(_ on: Bool) {
        guard on != watchingWrites, !isClosed else { return }
        watchingWrites = on
        loop.poller.watchWrites(socket.fd, token: token, on)
    }

    // MARK: Closing

    /// Closes the connection (idempotent).
    func close() { shut { transport.close() } }

    /// Closes with a TCP reset instead of a clean close (a fault).
    func reset() { shut { socket.reset() } }

    private func shut(_ closeSocket: () -> Void) {
        guard !isClosed else { return }
        isClosed = true
        loop.unregister(token: token)
        closeSocket()
        closed()
    }

    /// Called once, after the socket closed.
    func closed() {}
}
