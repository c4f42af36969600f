import Foundation
import RelayCore

/// A client connection served by an event loop, from its first byte to its close: reads
/// requests with the codec, gives each to the pipeline, sends it upstream (or answers from
/// memory), and writes the answer, whole or streamed with backpressure; an upgrade turns it
/// into a tunnel. Timed faults are timers and held writes. Owned by its loop's thread.
final class LoopConnection: LoopChannel {
    enum State {
        /// Reading a request head (or waiting for one).
        case reading
        /// The request is with the pipeline or the upstream.
        case waiting
        /// Writing a response.
        case responding
        /// After a `101`: bytes both ways.
        case tunnel
        /// A hang fault: nothing is answered until the client leaves.
        case hanging
        /// Closed.
        case gone
    }

    /// What happens to the request body being read.
    enum BodyPhase {
        /// No body, or all of it read.
        case none
        /// Read whole, up to the limit, before the pipeline sees the request.
        case buffering(limit: Int)
        /// Carried to the upstream piece by piece.
        case streaming
    }

    var state = State.reading
    var parser: HTTPRequestParser
    var head: HTTPRequestHead?
    var arrival: UInt64 = 0
    var readDeadline: ReadDeadline
    var sawEOF = false
    var inProcess = false
    lazy var peerIsLoopback = socket.isPeerLoopback

    // The request body.
    var bodyPhase = BodyPhase.none
    var requestBody: [UInt8] = []
    var requestLength: Int?
    var requestEnded = true
    /// Body pieces that arrived before the upstream connection existed (during a delay).
    var backlog: [UInt8] = []
    var upstreamChunked = false
    var uploadPacer: Pacer?
    /// Why the streamed request body failed before the request went up.
    var brokenBody: HTTPParseError?

    // The exchange with the upstream.
    var exchange: ForwardPlan?
    var upstream: LoopUpstreamConnection?
    var answerHead: HTTPResponseHead?
    var answerBody: [UInt8] = []
    var answerLimit: Int?
    var answerStreaming = false

    // The response being written.
    var chunked = false
    var keepAfter = false
    var bodySent = 0
    var truncateAfter: Int?
    var pacer: Pacer?
    var transform: (any BodyTransform)?
    var holdUntil: UInt64 = 0
    var responseQueued = false
    var responseError: String?
    var completion: (@Sendable (ResponseCompletion) -> Void)?
    var pushed: PushedBody?
    var lastSend: UInt64 = 0
    var stalledSince: (pending: Int, at: UInt64)?

    // A tunnel.
    var endpoint: (any TunnelEndpoint)?
    var observer: (any TunnelObserver)?
    var filter: (any BodyTransform)?

    /// - Parameters:
    ///   - transport: how bytes cross the socket; plain unless the listener decided otherwise
    ///     (it may also be swapped before the first read, once the first byte is known).
    init(socket: Socket, loop: EventLoop, token: UInt64, transport: (any Transport)? = nil) {
        parser = HTTPRequestParser(limits: HTTPParserLimits(maxBodyBytes: loop.config.maxRequestBodyBytes))
        readDeadline = ReadDeadline(idle: loop.config.idleTimeout, head: loop.config.headTimeout, now: loop.now)
        // With --tls the port speaks both: the first byte tells which.
        let chosen = transport ?? loop.listenerTLS.map { ListenerTransport(socket, context: $0) } ?? PlainTransport(socket)
        super.init(socket: socket, transport: chosen, loop: loop, token: token)
    }

    /// Whether the client came over TLS (its session then names https and wss URLs).
    var overTLS: Bool { (transport as? ListenerTransport)?.isTLS == true }

    /// A TLS client whose handshake or records fail gets one log line; others carry on.
    override func failed(_ error: any Error) {
        if let e = error as? TLSEngineError { pipeline.log.warning("TLS connection from \(socket.peerDescription): \(e)") }
        super.failed(error)
    }

    var pipeline: Pipeline { loop.pipeline }

    /// Begins serving: the first bytes may already be there.
    func start() {
        readDeadline.awaitRequest(now: loop.now)
        readAvailable()
    }

    override func checkTimeout(now: UInt64) {
        switch state {
        case .reading:
            switch readDeadline.check(now: now) {
            case .wait: break
            case .close: close()
            case .requestTimeout: refuse(ProblemDetails.headTimedOut(loop.config.headTimeout))
            }
        case .responding, .tunnel:
            // A client that reads nothing of what waits for it is cut off after the idle timeout.
            let pending = pendingOutput
            guard pending > 0 else { stalledSince = nil; return }
            if let s = stalledSince, s.pending == pending {
                if now - s.at > loop.config.idleTimeout.nanoseconds {
                    responseError = "client read nothing for \(loop.config.idleTimeout)"
                    close()
                }
            } else {
                stalledSince = (pending, now)
            }
        default:
            break
        }
    }

    /// The relay is stopping: an idle connection closes; streams and tunnels, which never
    /// finish on their own, end now; any other exchange finishes first.
    func relayStopping() {
        if state == .reading, parser.bufferedCount == 0 { return close() }
        if state == .tunnel { return closeTunnel() }
        if let p = pushed {
            pushed = nil
            p.finish()
            endResponse()
        } else if answerStreaming, transform is EventStreamTap {
            answerStreaming = false
            upstream?.abandonExchange()
            upstream = nil
            endResponse()
        }
    }

    // MARK: Reading requests

    override func received(_ bytes: UnsafeRawBufferPointer) {
        switch state {
        case .tunnel: tunnelFromClient(Array(bytes)[...])
        case .hanging, .gone: break
        default:
            parser.append(bytes)
            process()
            // Pipelined requests wait in the parser; past a bound the client waits instead.
            if state != .reading, !isStreamingRequest, parser.bufferedCount > 1 << 20 { pauseReading() }
        }
    }

    override func receivedEOF() {
        sawEOF = true
        switch state {
        case .tunnel:
            closeTunnel()
        case .hanging, .reading:
            parser.appendEOF()
            state == .hanging ? close() : process()
        case .waiting, .responding:
            // A client that only half-closed still gets its answer; one that left mid-body is gone.
            if !requestEnded { return close() }
            pauseReading()
        case .gone:
            break
        }
    }

    var isStreamingRequest: Bool {
        if case .streaming = bodyPhase, !requestEnded { return true }
        if case .buffering = bodyPhase { return true }
        return false
    }

    /// Parses what is buffered: a head starts a request, body parts go where its body goes.
    func process() {
        guard !inProcess else { return }
        inProcess = true
        defer { inProcess = false }
        while state == .reading || isStreamingRequest, !isClosed {
            let part: HTTPPart<HTTPRequestHead>?
            do {
                part = try parser.next()
            } catch {
                return bodyFailed(error)
            }
            guard let part else { break }
            switch part {
            case .head(let h): startRequest(h)
            case .body(let b): requestBodyPiece(b)
            case .end: requestBodyEnd()
            }
        }
        guard state == .reading, !isClosed else { return }
        if sawEOF {
            close()
        } else if parser.bufferedCount > 0 {
            readDeadline.headBytesArrived(now: loop.now)
        }
    }

    /// Malformed input: a refusal when no request is under way; for a body, the exchange
    /// fails with the codec's reason (400, or 413 over `--max-body-size`) and the connection
    /// closes after the answer, as the next request cannot be found.
    private func bodyFailed(_ error: HTTPParseError) {
        guard state == .waiting, let h = head else {
            if state == .reading { refuse(ProblemDetails.malformedRequest(error)) } else { close() }
            return
        }
        sawEOF = true
        let wasBuffering: Bool
        if case .buffering = bodyPhase { wasBuffering = true } else { wasBuffering = false }
        bodyPhase = .none
        requestEnded = true
        if wasBuffering {
            let request = IncomingRequest(
                head: h, body: BufferedBody([]), fromLoopback: peerIsLoopback, arrivalNanos: arrival, overTLS: overTLS)
            return deliver(pipeline.refuseBody(request, error))
        }
        if let f = exchange {
            exchange = nil
            answerHead = nil
            upstream?.abandonExchange()
            upstream = nil
            return deliver(pipeline.complete(f, .failure(error)))
        }
        // Not sent up yet (a delay fault holds it): it fails when it would go.
        brokenBody = error
    }

    private var isStreamingUpstream: Bool { if case .streaming = bodyPhase { return true } else { return false } }

    private func startRequest(_ h: HTTPRequestHead) {
        head = h
        arrival = MonotonicClock.nanos()
        state = .waiting
        brokenBody = nil
        requestBody.removeAll(keepingCapacity: true)
        backlog = []
        switch parser.framing {
        case .none:
            requestEnded = true
            bodyPhase = .none
            return dispatch(BufferedBody([]))
        case .length(let n): requestLength = n
        default: requestLength = nil
        }
        requestEnded = false
        if h.version == .http11, h.headers["expect"]?.lowercased() == "100-continue" {
            send(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        if let limit = pipeline.wholeRequestBodyLimit(h, length: requestLength), (requestLength ?? 0) <= limit {
            bodyPhase = .buffering(limit: limit)
        } else {
            bodyPhase = .streaming
            dispatch(StreamedBody(prefix: [], knownLength: requestLength, limit: 0))
        }
    }

    private func requestBodyPiece(_ b: ArraySlice<UInt8>) {
        switch bodyPhase {
        case .buffering(let limit):
            requestBody.append(contentsOf: b)
            if requestBody.count > limit {
                bodyPhase = .streaming
                let prefix = requestBody
                requestBody = []
                dispatch(StreamedBody(prefix: prefix, knownLength: requestLength, limit: limit))
            }
        case .streaming:
            if let up = upstream {
                sendUpstreamBody(Array(b), to: up)
                if up.isCongested { pauseReading() }
            } else if exchange != nil || state == .waiting {
                backlog.append(contentsOf: b)
                if backlog.count > Self.highWater { pauseReading() }
            }
        case .none:
            break
        }
    }

    private func requestBodyEnd() {
        requestEnded = true
        switch bodyPhase {
        case .buffering:
            bodyPhase = .none
            let body = requestBody
            requestBody = []
            dispatch(BufferedBody(body))
        case .streaming:
            bodyPhase = .none
            if let up = upstream {
                if upstreamChunked { up.sendBody(HTTPSerializer.lastChunk) }
                up.endBody()
            }
        case .none:
            break
        }
    }

    // MARK: The exchange

    /// Hands the request to the pipeline and acts on its decision, after a delay fault's time.
    private func dispatch(_ body: any BodySource) {
        guard let h = head else { return close() }
        let request = IncomingRequest(head: h, body: body, fromLoopback: peerIsLoopback, arrivalNanos: arrival, overTLS: overTLS)
        switch pipeline.prepare(request) {
        case .reply(let reply, let delayMs):
            after(delayMs) { $0.deliver(reply) } orElse: { _ in Self.discard(reply) }
        case .forward(let forward):
            after(forward.faultPlan.requestDelayMs) { $0.forward(forward) } orElse: { conn in
                Self.discard(conn.pipeline.complete(forward, .failure(UpstreamError(
                    .reset, origin: forward.request.origin.description, detail: "the client left before the request went up"))))
            }
        }
    }

    /// Runs `body` now, or after `ms` on a timer; `orElse` when the client left meanwhile.
    private func after(_ ms: Int, _ body: @escaping (LoopConnection) -> Void, orElse: @escaping (LoopConnection) -> Void) {
        guard ms > 0 else { return body(self) }
        loop.schedule(after: .milliseconds(ms)) { [self] in isClosed ? orElse(self) : body(self) }
    }

    /// The bookkeeping of a reply that cannot be written (the client left).
    static func discard(_ reply: RelayReply) {
        if case .response(let r) = reply { r.completion?(ResponseCompletion(bytesSent: 0, error: nil, clientClosed: true)) }
    }

    override func outputDrained() {
        stalledSince = nil
        if responseQueued { return finishResponse() }
        if answerStreaming || state == .tunnel { upstream?.resumeReading() }
    }

    override func closed() {
        let wasResponding = state == .responding || state == .tunnel
        state = .gone
        if wasResponding {
            upstream?.abandonExchange()
            upstream = nil
            answerStreaming = false
            if let p = pushed {
                pushed = nil
                p.finish()
            }
            endpoint?.close()
            endpoint = nil
            let c = completion
            completion = nil
            // Without a failure of the relay's own, the client closed: how an event stream ends.
            c?(responseError.map { ResponseCompletion(bytesSent: bodySent, error: $0) }
                ?? ResponseCompletion(bytesSent: bodySent, error: nil, clientClosed: true))
        }
    }
}
