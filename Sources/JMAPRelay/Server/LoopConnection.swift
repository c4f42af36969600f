import Foundation
import RelayCore

/// A client connection served by an event loop: reads requests with the codec, sends the
/// common ones upstream through the loop and writes the answers, all without blocking.
/// Anything else (a large or chunked body, `Expect`, an upgrade, the control API, faults, a
/// stream, TLS upstream) goes to a thread running `ClientConnection`, with the bytes already
/// read. Owned by its loop's thread.
final class LoopConnection: LoopHandler {
    private enum State {
        /// Reading a request (or waiting for one).
        case reading
        /// The request is with the upstream.
        case waiting
        /// Writing a response.
        case writing
        /// Closed, or handed to a thread.
        case gone
    }

    let socket: Socket
    /// The loop owns this connection and outlives it; `unowned(unsafe)` spares a reference
    /// count check on each of the many uses per exchange.
    private unowned(unsafe) let loop: EventLoop
    private let token: UInt64
    private var parser: HTTPRequestParser
    private var state = State.reading
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var arrival: UInt64 = 0
    private var deadline: UInt64 = 0
    private var headDeadlineSet = false
    private var sawEOF = false
    private var inProcess = false
    /// Bytes (or a hang-up) arrived while a request was away and have not been read.
    private var pendingRead = false
    private var out: [UInt8] = []
    private var written = 0
    /// Whether epoll reports write readiness (only while a write is partial).
    private var watchingWrites = false
    private var keepAfterWrite = false
    private var bytesSent = 0
    private var completion: (@Sendable (ResponseCompletion) -> Void)?
    private lazy var peerIsLoopback = socket.isPeerLoopback

    init(socket: Socket, loop: EventLoop, token: UInt64) {
        self.socket = socket
        self.loop = loop
        self.token = token
        parser = ClientConnection.makeParser(loop.config)
    }

    /// Begins serving: the first bytes may already be there.
    func start() {
        deadline = loop.deadline(after: loop.config.idleTimeout)
        readAndProcess()
    }

    func handle(events: UInt32) {
        switch state {
        case .writing:
            if events & (EventPoller.readable | EventPoller.hangup) != 0 { pendingRead = true }
            if events & (EventPoller.writable | EventPoller.hangup) != 0 { flush() }
        case .reading:
            if events & (EventPoller.readable | EventPoller.hangup) != 0 { readAndProcess(events: events) }
        case .waiting:
            // Edge-triggered: remember to read once the answer is out.
            if events & (EventPoller.readable | EventPoller.hangup) != 0 { pendingRead = true }
        case .gone:
            break
        }
    }

    func checkTimeout(now: UInt64) {
        switch state {
        case .reading where now > deadline && parser.bufferedCount > 0:
            // A head began and did not finish: a slow client is told why, as threads do.
            var out: [UInt8] = []
            HTTPSerializer.write(Self.timeoutHead(loop.config.headTimeout), into: &out)
            try? socket.write(out + ProblemDetails.headTimedOut(loop.config.headTimeout).body)
            close()
        case .reading, .writing: if now > deadline { close() }
        case .waiting, .gone: break
        }
    }

    /// The head of a 408 answer with its problem body's length.
    static func timeoutHead(_ timeout: Duration) -> HTTPResponseHead {
        var h = HTTPResponseHead(status: 408)
        h.headers.add("Content-Type", ProblemDetails.contentType)
        h.headers.add("Content-Length", String(ProblemDetails.headTimedOut(timeout).body.count))
        h.headers.add("Connection", "close")
        return h
    }

    /// Closes the connection if it is between requests (shutdown).
    func closeIfIdle() { if state == .reading { close() } }

    /// Closes the connection; a response being written reports the failure.
    func close() {
        guard state != .gone else { return }
        let wasWriting = state == .writing
        state = .gone
        loop.unregister(token: token, fd: socket.fd, handOver: false)
        socket.close()
        if wasWriting, let c = completion {
            completion = nil
            c(ResponseCompletion(bytesSent: 0, error: "client connection closed"))
        }
    }

    // MARK: Reading requests

    /// Reads what the socket holds, then parses it.
    /// - Parameters:
    ///   - events: the epoll events that caused the read; a short read ends it unless they
    ///     report a hang-up (its edge is already consumed, so the end must be read now).
    private func readAndProcess(events: UInt32 = EventPoller.hangup) {
        pendingRead = false
        do {
            while true {
                if parser.bufferedCount > EventLoop.maxBufferedBody + 64 * 1024 {
                    pendingRead = true
                    break
                }
                guard let n = try socket.readNonBlocking(into: loop.scratch) else { break }
                if n == 0 {
                    sawEOF = true
                    parser.appendEOF()
                    break
                }
                parser.append(UnsafeRawBufferPointer(rebasing: loop.scratch[0..<n]))
                // A short read emptied the socket: anything later raises a new edge.
                if n < loop.scratch.count, events & EventPoller.hangup == 0 { break }
            }
        } catch {
            close()
            return
        }
        process()
    }

    /// Parses what is buffered and starts each complete request.
    private func process() {
        inProcess = true
        defer { inProcess = false }
        while state == .reading {
            let part: HTTPPart<HTTPRequestHead>?
            do {
                part = try parser.next()
            } catch {
                refuse(ProblemDetails.malformedRequest(error))
                return
            }
            guard let part else { break }
            switch part {
            case .head(let h):
                head = h
                body.removeAll(keepingCapacity: true)
                arrival = MonotonicClock.nanos()
                if !servesOnLoop(h) {
                    handOver { conn in conn.run(startingWith: h) }
                    return
                }
            case .body(let b):
                body.append(contentsOf: b)
            case .end:
                if let h = head { dispatch(h) }
            }
        }
        guard state == .reading else { return }
        if sawEOF {
            close()
        } else if parser.bufferedCount > 0, !headDeadlineSet {
            // A client sending a byte a second is cut off: the head timeout runs from its first byte.
            headDeadlineSet = true
            deadline = loop.deadline(after: loop.config.headTimeout)
        }
    }

    /// Whether the loop serves this request itself.
    private func servesOnLoop(_ h: HTTPRequestHead) -> Bool {
        guard loop.fastPathOpen, h.headers["expect"] == nil, !HeaderPolicy.isUpgradeRequest(h),
            !(h.target == "/_relay" || h.target.hasPrefix("/_relay/"))
        else { return false }
        switch parser.framing {
        case .none: return true
        case .length(let n): return n <= EventLoop.maxBufferedBody
        default: return false
        }
    }

    private func dispatch(_ h: HTTPRequestHead) {
        state = .waiting
        let request = IncomingRequest(
            head: h, body: BufferedBody(body), fromLoopback: peerIsLoopback, arrivalNanos: arrival)
        body = []
        let pipeline = loop.pipeline
        switch loop.upstreamKind {
        case .live:
            break
        case .replay:
            // A recording answers from memory: no I/O to wait for.
            return deliver(pipeline.handle(request))
        case .other:
            return handOver { conn in conn.resume(pipeline.handle(request), request: h) }
        }
        switch pipeline.prepare(request) {
        case .reply(let reply):
            deliver(reply)
        case .forward(let forward):
            if forward.request.origin.secure || forward.mayStream {
                handOverForward(forward)
            } else {
                loop.forward(forward, for: self, mayRetry: true)
            }
        }
    }

    // MARK: Answers

    /// The upstream's answer (or failure) for the request in flight.
    func upstreamAnswered(_ forward: ForwardPlan, _ result: Result<UpstreamResponse, any Error>) {
        let reply = loop.pipeline.complete(forward, result)
        guard state == .waiting else {
            // The client left meanwhile; the exchange is still traced and recorded.
            if case .response(let r) = reply { r.completion?(ResponseCompletion(bytesSent: 0, error: "client connection closed")) }
            return
        }
        deliver(reply)
    }

    /// Writes a reply whose body is in memory; anything else is written by a thread.
    private func deliver(_ reply: RelayReply) {
        guard let h = head else { return close() }
        guard case .response(let r) = reply, let buffered = r.body as? BufferedBody, r.upgraded == nil,
            r.truncateAfter == nil, r.bytesPerSecond == nil, !r.flushHead
        else {
            handOver { conn in conn.resume(reply, request: h) }
            return
        }
        let pipeline = loop.pipeline
        let keep = HeaderPolicy.clientWantsKeepAlive(h) && !r.close && !pipeline.isStopping
        // `out` is kept between exchanges: its buffer is reused.
        out.removeAll(keepingCapacity: true)
        let framing = ResponseWriter(socket: socket, request: h, keepAlive: keep).frame(r, into: &out)
        bytesSent = 0
        if !framing.bodyless {
            let contents = buffered.contents
            out.append(contentsOf: contents)
            bytesSent = contents.count
        }
        keepAfterWrite = framing.keepAlive
        completion = r.completion
        startWriting()
    }

    /// A refusal of input the codec could not read; the connection closes after it.
    private func refuse(_ problem: ProblemDetails) {
        out.removeAll(keepingCapacity: true)
        _ = ResponseWriter(socket: socket, request: nil, keepAlive: false).frame(.problem(problem), into: &out)
        out.append(contentsOf: problem.body)
        keepAfterWrite = false
        completion = nil
        loop.pipeline.noteRefusal(problem, peer: socket.peerDescription)
        startWriting()
    }

    private func startWriting() {
        state = .writing
        written = 0
        deadline = loop.deadline(after: loop.config.idleTimeout)
        flush()
    }

    private func flush() {
        do {
            while written < out.count {
                let n = try out.withUnsafeBytes { try socket.writeNonBlocking(UnsafeRawBufferPointer(rebasing: $0[written...])) }
                if n == 0 { return watchWrites(true) }  // the rest when the socket is writable again
                written += n
            }
        } catch {
            let c = completion
            completion = nil
            c?(ResponseCompletion(bytesSent: 0, error: "\(error)"))
            close()
            return
        }
        if watchingWrites { watchWrites(false) }
        out.removeAll(keepingCapacity: out.capacity <= 64 * 1024)
        let c = completion
        completion = nil
        c?(ResponseCompletion(bytesSent: bytesSent, error: nil))
        guard keepAfterWrite, !loop.pipeline.isStopping else { return close() }
        state = .reading
        head = nil
        headDeadlineSet = false
        deadline = loop.deadline(after: loop.config.idleTimeout)
        // Inside `process` its loop goes on with pipelined requests; otherwise read what came
        // while the request was away (its edge is gone) or parse what is buffered.
        guard !inProcess else { return }
        if pendingRead {
            readAndProcess()
        } else if parser.bufferedCount > 0 || sawEOF {
            process()
        }
    }

    private func watchWrites(_ on: Bool) {
        watchingWrites = on
        loop.poller.watchWrites(socket.fd, token: token, on)
    }

    // MARK: Handing over to a thread

    /// Gives the socket and the parser to a thread running the blocking code.
    private func handOver(_ work: @escaping @Sendable (ClientConnection) -> Void) {
        state = .gone
        loop.unregister(token: token, fd: socket.fd, handOver: true)
        let conn = ClientConnection(socket: socket, pipeline: loop.pipeline, config: loop.config, parser: parser)
        loop.handOver(conn) { work(conn) }
    }

    /// The request goes upstream from a thread (TLS, a stream, a connect the loop could not make).
    func handOverForward(_ forward: ForwardPlan) {
        guard let h = head else { return close() }
        let pipeline = loop.pipeline
        handOver { conn in
            let result = Result { try pipeline.upstream.send(forward.request) }
            conn.resume(pipeline.complete(forward, result), request: h)
        }
    }

    /// The upstream's answer has begun and is too big or open-ended for the loop: a thread
    /// completes it, reading the rest of the body from the upstream connection.
    func handOverAnswer(_ forward: ForwardPlan, _ response: UpstreamResponse) {
        let pipeline = loop.pipeline
        guard let h = head, state == .waiting else {
            // The client left: the exchange is still completed (and traced), off the loop.
            let t = Thread {
                let reply = pipeline.complete(forward, .success(response))
                if case .response(let r) = reply { r.completion?(ResponseCompletion(bytesSent: 0, error: "client connection closed")) }
            }
            t.start()
            return
        }
        handOver { conn in conn.resume(pipeline.complete(forward, .success(response)), request: h) }
    }
}
