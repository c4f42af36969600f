import RelayCore

/// A plain-HTTP connection from an event loop to an upstream origin, kept alive in the loop's
/// pool between exchanges. Sends one request at a time, reads the answer with the codec and
/// gives it to the client connection; an answer too big or open-ended for the loop is handed,
/// with the bytes already read, to a thread as a blocking `UpstreamConnection`.
/// Owned by its loop's thread.
final class LoopUpstreamConnection: LoopHandler {
    private enum State {
        /// Waiting for a non-blocking connect.
        case connecting
        /// Writing the request.
        case sending
        /// Reading the answer.
        case receiving
        /// In the pool.
        case idle
        /// Closed, or handed to a thread.
        case gone
    }

    let origin: Origin
    let socket: Socket
    var token: UInt64 = 0
    /// The loop owns this connection and outlives it; `unowned(unsafe)` spares a reference
    /// count check on each of the many uses per exchange.
    private unowned(unsafe) let loop: EventLoop
    private var parser = HTTPResponseParser()
    private var state: State
    private var client: LoopConnection?
    private var forward: ForwardPlan?
    private var out: [UInt8] = []
    private var written = 0
    /// Whether epoll reports write readiness (only while a write is partial).
    private var watchingWrites = false
    private var deadline: UInt64 = 0
    /// Whether this connection served an exchange before (the server may have closed it).
    private var reused = false
    private var mayRetry = false
    private var receivedAny = false
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []

    init(origin: Origin, socket: Socket, connecting: Bool, loop: EventLoop) {
        self.origin = origin
        self.socket = socket
        self.loop = loop
        state = connecting ? .connecting : .sending
        watchingWrites = connecting
    }

    /// Sends the request of `forward`, which `writeRequest` serializes into the connection's
    /// own buffer (kept between exchanges), for `client`.
    func start(_ forward: ForwardPlan, for client: LoopConnection, mayRetry: Bool, writeRequest: (inout [UInt8]) -> Void) {
        self.forward = forward
        self.client = client
        self.mayRetry = mayRetry && reused
        out.removeAll(keepingCapacity: true)
        writeRequest(&out)
        written = 0
        receivedAny = false
        head = nil
        body.removeAll(keepingCapacity: true)
        parser.expectResponse(to: forward.request.head.method)
        if state == .connecting {
            deadline = loop.deadline(after: loop.config.connectTimeout)
        } else {
            state = .sending
            flush()
        }
    }

    func handle(events: UInt32) {
        switch state {
        case .connecting:
            guard events & (EventPoller.writable | EventPoller.hangup) != 0 else { return }
            if socket.connectError != nil {
                // The thread path connects again, trying every address, and reports the error.
                let (f, c) = detachExchange()
                close()
                if let f, let c { c.handOverForward(f) }
                return
            }
            socket.setBlocking(true)
            state = .sending
            flush()
        case .sending:
            if events & (EventPoller.writable | EventPoller.hangup) != 0 { flush() }
        case .receiving:
            if events & (EventPoller.readable | EventPoller.hangup) != 0 { readAndProcess(events: events) }
        case .idle:
            // The server closed a pooled connection (or sent something unasked for).
            if events & (EventPoller.readable | EventPoller.hangup) != 0 { close() }
        case .gone:
            break
        }
    }

    func checkTimeout(now: UInt64) {
        switch state {
        case .connecting where now > deadline:
            fail(.timeout, "connect: timed out after \(loop.config.connectTimeout)")
        case .sending where now > deadline, .receiving where now > deadline:
            fail(.timeout, "no answer within \(loop.config.upstreamTimeout) (upstream timeout, read)")
        default:
            break
        }
    }

    /// Ends the connection at shutdown; an exchange in flight fails (and is still traced).
    func abandon() {
        if forward != nil { fail(.reset, "the relay stopped before the answer came") } else { close() }
    }

    func close() {
        guard state != .gone else { return }
        state = .gone
        loop.unregister(token: token, fd: socket.fd, handOver: false)
        loop.forgetIdle(self)
        socket.close()
    }

    // MARK: Exchange

    private func flush() {
        do {
            while written < out.count {
                let n = try out.withUnsafeBytes { try socket.writeNonBlocking(UnsafeRawBufferPointer(rebasing: $0[written...])) }
                if n == 0 {
                    deadline = loop.deadline(after: loop.config.upstreamTimeout)
                    return watchWrites(true)
                }
                written += n
            }
        } catch {
            return failOrRetry(.reset, "write: \((error as? SocketError)?.message ?? "\(error)")")
        }
        if watchingWrites { watchWrites(false) }
        // The buffer is kept for the next request, unless a big upload grew it.
        out.removeAll(keepingCapacity: out.capacity <= 64 * 1024)
        state = .receiving
        deadline = loop.deadline(after: loop.config.upstreamTimeout)
    }

    private func watchWrites(_ on: Bool) {
        watchingWrites = on
        loop.poller.watchWrites(socket.fd, token: token, on)
    }

    /// Reads what the socket holds, then parses it.
    /// - Parameters:
    ///   - events: the epoll events that caused the read; a short read ends it unless they
    ///     report a hang-up (its edge is already consumed, so the end must be read now).
    private func readAndProcess(events: UInt32 = EventPoller.hangup) {
        var eof = false
        do {
            while true {
                guard let n = try socket.readNonBlocking(into: loop.scratch) else { break }
                if n == 0 {
                    eof = true
                    parser.appendEOF()
                    break
                }
                receivedAny = true
                parser.append(UnsafeRawBufferPointer(rebasing: loop.scratch[0..<n]))
                // A short read emptied the socket: anything later raises a new edge.
                if n < loop.scratch.count, events & EventPoller.hangup == 0 { break }
            }
        } catch {
            if !receivedAny { return failOrRetry(.reset, "read: \((error as? SocketError)?.message ?? "\(error)")") }
            return fail(.reset, "read: \((error as? SocketError)?.message ?? "\(error)")")
        }
        deadline = loop.deadline(after: loop.config.upstreamTimeout)
        do {
            while let part = try parser.next() {
                switch part {
                case .head(let h):
                    head = h
                    if !fitsLoop(h) { return handOverAnswer() }
                case .body(let b):
                    body.append(contentsOf: b)
                    if body.count > EventLoop.maxBufferedBody { return handOverAnswer() }
                case .end:
                    return finish()
                }
            }
        } catch {
            // As the blocking path says it: a cut answer is a reset, anything else not HTTP.
            if eof, error == .unexpectedEnd { return fail(.reset, "connection closed mid-response") }
            return fail(.protocolError, "\(error)")
        }
        guard eof else { return }
        if head == nil, !receivedAny { return failOrRetry(.reset, "connection closed before a response") }
        fail(.reset, head == nil ? "connection closed before a response" : "connection closed mid-body")
    }

    /// Whether the answer can be read whole on the loop.
    private func fitsLoop(_ h: HTTPResponseHead) -> Bool {
        guard h.status != 101, h.headers["content-type"]?.hasPrefixIgnoringASCIICase("text/event-stream") != true else { return false }
        switch parser.framing {
        case .none, .chunked: return true
        case .length(let n): return n <= EventLoop.maxBufferedBody
        default: return false
        }
    }

    private var reusable: Bool {
        guard let h = head else { return false }
        return !h.headers.hasToken("close", for: "connection") && parser.framing != .untilClose && h.version == .http11
    }

    private func finish() {
        guard let h = head else { return fail(.protocolError, "no response head") }
        let (f, c) = detachExchange()
        let response = UpstreamResponse(head: h, body: BufferedBody(body))
        let keep = reusable
        body = []
        head = nil
        if keep { loop.releaseUpstream(self) } else { close() }
        if let f, let c { c.upstreamAnswered(f, .success(response)) }
    }

    /// Made idle and reusable by the pool.
    func becomeIdle() {
        state = .idle
        reused = true
    }

    private func failOrRetry(_ kind: UpstreamError.Kind, _ detail: String) {
        guard mayRetry, let f = forward, let c = client else { return fail(kind, detail) }
        // A pooled connection the server closed meanwhile fails at once; try a fresh one.
        _ = detachExchange()
        close()
        loop.forward(f, for: c, mayRetry: false)
    }

    private func fail(_ kind: UpstreamError.Kind, _ detail: String) {
        let (f, c) = detachExchange()
        close()
        if let f, let c { c.upstreamAnswered(f, .failure(UpstreamError(kind, origin: origin.description, detail: detail))) }
    }

    private func detachExchange() -> (ForwardPlan?, LoopConnection?) {
        defer {
            forward = nil
            client = nil
        }
        return (forward, client)
    }

    /// The rest of the answer is read by a thread from this connection, made blocking.
    private func handOverAnswer() {
        guard let h = head else { return fail(.protocolError, "no response head") }
        let (f, c) = detachExchange()
        state = .gone
        loop.unregister(token: token, fd: socket.fd, handOver: true)
        let conn = UpstreamConnection(origin: origin, socket: socket, stream: socket)
        conn.parser = parser
        conn.setReadTimeout(f?.request.kind == .eventSource ? nil : loop.config.upstreamTimeout)
        let length: Int? = {
            if case .length(let n) = parser.framing { return n }
            return parser.framing == .none ? 0 : nil
        }()
        let keep = reusable
        let live = loop.pipeline.upstream as? LiveUpstream
        let reader = UpstreamBodyReader(connection: conn, knownLength: length) { conn, clean in
            if clean, keep, let live { live.release(conn) } else { conn.close() }
        }
        let response = UpstreamResponse(head: h, body: PrefixedBody(prefix: body, rest: reader))
        body = []
        if let f, let c { c.handOverAnswer(f, response) }
    }
}
