import RelayCore

/// Who an upstream connection answers to: a client connection, or a request the relay makes
/// itself (a webhook). Called on the loop's thread.
protocol UpstreamReceiver: AnyObject {
    /// The response head (a `101` turns the connection into a tunnel).
    func upstreamHead(_ head: HTTPResponseHead, from connection: LoopUpstreamConnection)
    /// A piece of the response body (or, in a tunnel, of the upstream's bytes).
    func upstreamBody(_ piece: ArraySlice<UInt8>)
    /// The response ended (or, in a tunnel, the upstream closed).
    func upstreamEnd()
    /// No (complete) answer: refused, reset, timed out, TLS failed, not HTTP.
    func upstreamFailed(_ error: UpstreamError)
    /// The request's bytes were all written after the socket had been full (backpressure).
    func upstreamDrained()
}

/// A connection from an event loop to an upstream origin, plain or TLS, kept alive in the
/// loop's pool between exchanges. Sends one request at a time (its body whole or streamed),
/// reads the answer with the codec and passes it on piece by piece; after a `101` it carries
/// a tunnel's bytes. Owned by its loop's thread.
final class LoopUpstreamConnection: LoopChannel {
    private enum State {
        /// Waiting for a non-blocking connect.
        case connecting
        /// Sending a request and reading its answer.
        case exchanging
        /// After a `101`: bytes both ways, as they are.
        case tunnel
        /// In the pool.
        case idle
        /// Closed.
        case gone
    }

    let origin: Origin
    private var parser = HTTPResponseParser()
    private var state: State
    private var receiver: (any UpstreamReceiver)?
    private var deadline: UInt64 = 0
    /// How long the answer may go quiet; nil for an event stream.
    private var readTimeout: Duration?
    /// Whether this connection served an exchange before (the server may have closed it).
    private var reused = false
    /// The whole request, kept to send it again on a fresh connection when a pooled one
    /// turns out dead; nil when the body streams.
    private var retryBytes: [UInt8]?
    private var receivedAny = false
    private var sawHead = false
    private var serverKeepsAlive = false
    private var requestComplete = false
    private var method = "GET"

    /// The name's addresses not tried yet, for a connect that fails.
    private var untried: [Socket.Address]

    init(origin: Origin, socket: Socket, transport: any Transport, connecting: Bool, untried: [Socket.Address] = [], loop: EventLoop) {
        self.origin = origin
        self.untried = untried
        state = connecting ? .connecting : .exchanging
        super.init(socket: socket, transport: transport, loop: loop, token: 0)
    }

    override var canWrite: Bool { state != .connecting }

    /// Starts a request: `bytes` is its head, with the whole body when it is in memory
    /// (`complete`); a streamed body follows with `sendBody` and `endBody`.
    func begin(method: String, bytes: [UInt8], complete: Bool, readTimeout: Duration?, receiver: any UpstreamReceiver,
               mayRetry: Bool) {
        self.method = method
        self.receiver = receiver
        self.readTimeout = readTimeout
        retryBytes = mayRetry && complete && reused ? bytes : nil
        receivedAny = false
        sawHead = false
        requestComplete = complete
        parser.expectResponse(to: method)
        if state == .idle { state = .exchanging }
        deadline = loop.deadline(after: state == .connecting ? loop.config.connectTimeout : loop.config.upstreamTimeout)
        send(bytes)
    }

    /// A piece of a streamed request body, framed by the caller.
    func sendBody(_ bytes: [UInt8]) { send(bytes) }

    /// The streamed request body is complete.
    func endBody() { requestComplete = true }

    /// Sends tunnel bytes from the client.
    func sendTunnel(_ bytes: [UInt8]) { send(bytes) }

    override func handle(events: UInt32) {
        switch state {
        case .connecting:
            guard events & (EventPoller.writable | EventPoller.hangup) != 0 else { return }
            if let e = socket.connectError {
                return connectNextAddress() ? () : fail(.refused, "connect: \(e.message)")
            }
            state = .exchanging
            deadline = loop.deadline(after: loop.config.upstreamTimeout)
            flush(drainedByEvent: false)
            super.handle(events: events & ~EventPoller.writable)
        case .idle:
            // The server closed a pooled connection (or sent something unasked for).
            if events & (EventPoller.readable | EventPoller.hangup) != 0 { close() }
        case .exchanging, .tunnel:
            super.handle(events: events)
        case .gone:
            break
        }
    }

    /// Connects to the name's next address after a connect failed; false when none is left.
    private func connectNextAddress() -> Bool {
        while !untried.isEmpty {
            guard let (s, inProgress, rest) = try? Socket.connectNonBlocking(to: untried) else { return false }
            untried = rest
            guard let t = try? loop.transport(for: origin, over: s), replaceSocket(s, transport: t, connecting: inProgress) else {
                s.close()
                continue
            }
            if !inProgress {
                state = .exchanging
                flush(drainedByEvent: false)
            }
            return true
        }
        return false
    }

    override func checkTimeout(now: UInt64) {
        switch state {
        case .connecting where now > deadline:
            fail(.timeout, "connect: timed out after \(loop.config.connectTimeout)")
        case .exchanging where readTimeout != nil && now > deadline:
            fail(.timeout, "no answer within \(readTimeout!) (upstream timeout, read)")
        default:
            break
        }
    }

    /// Ends the connection at shutdown; an exchange in flight fails (and is still traced).
    func abandon() {
        if state == .exchanging, receiver != nil { fail(.reset, "the relay stopped before the answer came") } else { close() }
    }

    override func closed() {
        state = .gone
        loop.forgetIdle(self)
    }

    override func outputDrained() { receiver?.upstreamDrained() }

    override func failed(_ error: any Error) {
        if let e = error as? UpstreamError { return failOrRetry(e.kind, e.detail) }
        let detail = (error as? SocketError)?.message ?? "\(error)"
        failOrRetry(.reset, detail)
    }

    // MARK: Answer

    override func received(_ bytes: UnsafeRawBufferPointer) {
        receivedAny = true
        if let t = readTimeout { deadline = loop.deadline(after: t) }
        if state == .tunnel { return receiver?.upstreamBody(Array(bytes)[...]) ?? () }
        parser.append(bytes)
        parse(eof: false)
    }

    override func receivedEOF() {
        if state == .tunnel {
            let r = receiver
            receiver = nil
            close()
            r?.upstreamEnd()
            return
        }
        parser.appendEOF()
        parse(eof: true)
    }

    private func parse(eof: Bool) {
        do {
            while state == .exchanging, let part = try parser.next() {
                switch part {
                case .head(let h):
                    sawHead = true
                    serverKeepsAlive = HeaderPolicy.serverKeepsAlive(h)
                    if h.status == 101 {
                        state = .tunnel
                        let rest = parser.takeRemaining()
                        receiver?.upstreamHead(h, from: self)
                        if !rest.isEmpty { receiver?.upstreamBody(rest[...]) }
                        return
                    }
                    receiver?.upstreamHead(h, from: self)
                case .body(let b):
                    if !b.isEmpty { receiver?.upstreamBody(b) }
                case .end:
                    return finish()
                }
            }
        } catch {
            // A cut answer is a reset, anything else not HTTP.
            if eof, error == .unexpectedEnd { return fail(.reset, "connection closed mid-response") }
            return fail(.protocolError, "\(error)")
        }
        guard eof, state == .exchanging else { return }
        if !sawHead, !receivedAny { return failOrRetry(.reset, "connection closed before a response") }
        fail(.reset, sawHead ? "connection closed mid-body" : "connection closed before a response")
    }

    private func finish() {
        let r = receiver
        receiver = nil
        if reusable { loop.releaseUpstream(self) } else { close() }
        r?.upstreamEnd()
    }

    /// Whether the connection can serve another exchange once this answer ended.
    private var reusable: Bool {
        requestComplete && pendingOutput == 0 && parser.framing != .untilClose && serverKeepsAlive
    }

    /// Made idle and reusable by the pool.
    func becomeIdle() {
        state = .idle
        reused = true
    }

    /// Lets the receiver go: its client left, so the answer is no longer wanted.
    func abandonExchange() {
        receiver = nil
        close()
    }

    private func failOrRetry(_ kind: UpstreamError.Kind, _ detail: String) {
        guard let bytes = retryBytes, !receivedAny, state == .exchanging, let r = receiver else { return fail(kind, detail) }
        // A pooled connection the server closed meanwhile fails at once; try a fresh one.
        receiver = nil
        close()
        loop.startUpstream(origin, method: method, bytes: bytes, complete: true, readTimeout: readTimeout, receiver: r, mayRetry: false)
    }

    private func fail(_ kind: UpstreamError.Kind, _ detail: String) {
        let r = receiver
        receiver = nil
        close()
        r?.upstreamFailed(UpstreamError(kind, origin: origin.description, detail: detail))
    }
}
