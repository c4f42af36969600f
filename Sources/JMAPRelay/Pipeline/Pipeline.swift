import Foundation
import RelayCore
import Synchronization

/// What happens to each request between the client connection and the upstream: the control
/// API, routing (never an open proxy), session rewriting, reading JMAP calls for the trace,
/// fault decisions. It knows nothing about sockets, threads or time: `prepare` takes an
/// `IncomingRequest` and says whether to answer or forward (and after which delay),
/// `complete` turns the upstream's answer into the client's reply; the event loop carries
/// out both.
final class Pipeline: Sendable {
    let config: RelayConfiguration
    let upstream: any Upstream
    let routing: RoutingState
    let rewriter: SessionRewriter
    let log: Log
    let observers: ExchangeObservers
    let faults: FaultController
    let linter: LiveLinter?
    /// Webhook callback tokens issued to the server, and the client for forwarding pushes.
    let webhooks = PushCallbackRegistry()
    /// Which requests a web page may be behind, and what such a page may do.
    let requestGuard: RequestGuard
    /// Credentials seen, masked in everything written: learned here, where requests are read.
    let secrets = SecretScrubber.process
    private let sequenceCounter = Atomic(0)
    private let stopFlag = Atomic(false)
    /// Monotonic nanoseconds: the pipeline reads the time only through this (a test passes
    /// a manual clock).
    let clock: @Sendable () -> UInt64
    let startNanos: UInt64

    init(config: RelayConfiguration, upstream: any Upstream, primary: Origin, sessionPath: String?,
         relayBase: Origin, observers: ExchangeObservers, faults: FaultController,
         clock: @escaping @Sendable () -> UInt64 = { MonotonicClock.nanos() }) {
        self.clock = clock
        self.startNanos = clock()
        self.config = config
        self.upstream = upstream
        self.routing = RoutingState(primary: primary, sessionPath: sessionPath)
        self.rewriter = SessionRewriter(relayBase: relayBase)
        self.log = Log(sink: config.logSink)
        self.observers = observers
        self.faults = faults
        self.linter = config.lint ? LiveLinter(ignoring: config.lintIgnore) : nil
        self.requestGuard = Self.makeRequestGuard(config: config, relayBase: relayBase, log: log)
        if let injected = config.injectedAuthorization { secrets.learn(authorization: injected) }
    }

    /// Whether the relay is shutting down (connections finish their exchange and close).
    var isStopping: Bool { stopFlag.load(ordering: .acquiring) }

    func beginStopping() { stopFlag.store(true, ordering: .releasing) }

    /// The last exchange number handed out.
    func sequenceValue() -> Int { sequenceCounter.load(ordering: .relaxed) }

    /// Next exchange number, from 1.
    func nextSeq() -> Int { sequenceCounter.wrappingAdd(1, ordering: .relaxed).newValue }

    /// Everything before the upstream is asked: the control API, routing, the request going
    /// up, reading an API body for the trace, faults planned before the upstream. Either the
    /// reply is known already or the request must go upstream.
    func prepare(_ request: IncomingRequest) -> Prepared {
        let head = request.head
        // Before anything about this request can be written.
        secrets.learn(request: head)
        let seq = nextSeq()
        let draft = ExchangeDraft(seq: seq, request: request, startMs: Self.ms(from: startNanos, to: request.arrivalNanos))
        if let refusal = guardRequest(draft) { return .reply(refusal) }

        if head.target.hasPrefix(PushSubscriptionURLs.callbackPrefix) {
            // Open to the server (which may not be on loopback): only issued tokens forward.
            draft.kind = .pushCallback
            switch webhookForward(request, draft: draft) {
            case .reply(let response): return .reply(finish(draft, response))
            case .forward(let f): return .forward(f)
            }
        }
        if RelayPaths.isControl(head.target) {
            draft.kind = .other
            return .reply(finish(draft, controlResponse(request)))
        }
        guard head.target.hasPrefix("/"), head.method != "CONNECT",
            let route = routing.route(head.target)
        else {
            return .reply(finish(draft, .problem(.forbiddenTarget(head.target))))
        }
        draft.kind = routing.kind(method: head.method, target: head.target)
        draft.origin = route.origin
        draft.originIndex = route.originIndex

        let upgrading = HeaderPolicy.isUpgradeRequest(head)
        var upHead = HTTPRequestHead(
            method: head.method, target: route.upstreamTarget, version: .http11,
            headers: HeaderPolicy.upstreamRequestHeaders(
                head.headers, origin: route.origin, upgrading: upgrading, authorization: config.injectedAuthorization))
        switch draft.kind {
        case .session, .api: HeaderPolicy.restrictAcceptEncoding(&upHead.headers)
        case _ where Self.isEventStreamRequest(head, kind: draft.kind): upHead.headers.set("Accept-Encoding", "identity")
        default: break
        }
        if upgrading, WebSocketHandshake.isWebSocket(head.headers) {
            // Compressed frames could not be read for the trace: the offer is dropped and both
            // ends talk uncompressed (a server may only accept extensions that were offered).
            WebSocketHandshake.stripCompression(&upHead.headers)
        }

        // JMAP API bodies are read whole (bounded) so their method calls can be traced.
        var body: any BodySource = request.body
        if draft.kind == .api {
            do {
                let bytes: [UInt8]
                if let whole = request.body.unreadContents, whole.count <= config.maxBufferedBodyBytes {
                    bytes = whole  // in memory already: the same body goes on, unread
                } else {
                    bytes = try request.body.readAll(limit: config.maxBufferedBodyBytes)
                    body = BufferedBody(bytes)
                }
                draft.requestBody = bytes
                draft.upstreamRequestBody = bytes
                draft.noteRequest(JMAPScanner.scanRequest(bytes))
            } catch let e as BodyTooLarge {
                return .reply(finish(draft, .problem(.relay(
                    "request-too-large", title: "Content Too Large", status: 413,
                    detail: "JMAP request body over \(e.limit) bytes; the relay reads API requests whole."))))
            } catch let e as HTTPParseError {
                // A malformed chunk or a body over --max-body-size gets its status, like uploads do.
                draft.error = "client body: \(e)"
                return .reply(finish(draft, .problem(.malformedRequest(e))))
            } catch {
                draft.error = "client body: \(error)"
                return .reply(finish(draft, .reset))
            }
        }

        var plan = FaultPlan()
        if !faults.isIdle {
            switch planFaults(draft, head: head, body: &body) {
            case .reply(let reply, let delayMs): return .reply(finish(draft, reply), delayMs: delayMs)
            case .proceed(let p): plan = p
            }
            if plan.answerLocally {
                if plan.holdsConcurrencySlot { faults.releaseConcurrencySlot() }
                // The answer first: it fills the draft's response, which `finish` then takes.
                let answer = localAnswer(plan, draft: draft)
                return .reply(finish(draft, answer), delayMs: plan.requestDelayMs)
            }
        }

        if draft.kind == .api, let bytes = draft.upstreamRequestBody, let rewritten = rewritingCallbackURLs(bytes, draft: draft) {
            draft.upstreamRequestBody = rewritten
            body = BufferedBody(rewritten)
        }

        if recording, draft.kind != .api, Self.isRecordable(draft.kind) {
            let buffered = BodyBuffer.read(body, limit: config.maxRecordedBodyBytes)
            draft.upstreamRequestBody = buffered.complete
            body = buffered.source
        }
        draft.upstreamRequest = upHead
        return .forward(ForwardPlan(
            draft: draft, request: UpstreamRequest(origin: route.origin, head: upHead, body: body, kind: draft.kind),
            upgrading: upgrading, faultPlan: plan))
    }

    /// Everything after the upstream answered (or failed): the client's response, with the
    /// bookkeeping that runs once it is written.
    func complete(_ forward: ForwardPlan, _ result: Result<UpstreamResponse, any Error>) -> RelayReply {
        let draft = forward.draft
        let plan = forward.faultPlan
        // The upstream has answered (or failed): a maxConcurrentRequests slot is free again.
        defer { if plan.holdsConcurrencySlot { faults.releaseConcurrencySlot() } }
        let upstreamResponse: UpstreamResponse
        do {
            upstreamResponse = try result.get()
        } catch let e as UpstreamError {
            draft.error = draft.kind == .pushCallback
                ? "webhook \(forward.request.origin.httpBase)\(forward.request.head.target): \(e.kind.rawValue): \(e.detail)"
                : "\(e.kind.rawValue): \(e.detail)"
            return finish(draft, .problem(.upstreamFailed(e)))
        } catch let e as HTTPParseError {
            draft.error = "client body: \(e)"
            return finish(draft, .problem(.malformedRequest(e)))
        } catch {
            let e = UpstreamError(.reset, origin: forward.request.origin.description, detail: "\(error)")
            draft.error = "\(e.kind.rawValue): \(e.detail)"
            return finish(draft, .problem(.upstreamFailed(e)))
        }
        draft.upstreamResponse = upstreamResponse.head
        draft.replayed = upstreamResponse.replayed
        if draft.kind == .pushCallback { return finish(draft, webhookAnswer(upstreamResponse, draft: draft)) }
        var response = respond(
            upstreamResponse, draft: draft, upstreamHead: forward.request.head, upgrading: forward.upgrading, plan: plan)
        response.truncateAfter = plan.truncateAfter
        response.bytesPerSecond = plan.bytesPerSecond
        response.delayMs = plan.responseDelayMs
        return finish(draft, response)
    }

    /// Turns the upstream's response into the client's: rewrites sessions and redirects,
    /// reads API answers for the trace, streams everything else.
    private func respond(_ up: UpstreamResponse, draft: ExchangeDraft, upstreamHead: HTTPRequestHead, upgrading: Bool,
                         plan: FaultPlan) -> RelayResponse
    {
        var head = up.head
        secrets.learn(responseHeaders: up.head.headers)
        head.headers = HeaderPolicy.clientResponseHeaders(up.head.headers, upgrading: upgrading && up.head.status == 101)
        // Only a redirect or a session needs the URL the request went to.
        var requestURL: String { (draft.origin?.httpBase ?? "") + upstreamHead.target }
        if (300..<400).contains(head.status), let loc = head.headers["location"] {
            head.headers.set(
                "Location", routing.rewriteLocation(
                    loc, requestURL: requestURL, rewriter: rewriter, relayOrigin: rewriter.relayOrigin(overTLS: draft.overTLS),
                    isSession: draft.kind == .session))
        }
        if up.head.status == 101 {
            var r = RelayResponse(head: head, body: BufferedBody.empty(), upgraded: up.upgraded)
            if WebSocketHandshake.isWebSocket(up.head.headers) {
                let observers = self.observers
                r.tunnelObserver = WebSocketTraceObserver(
                    seq: draft.seq, recorder: up.replayed ? nil : config.recorder, recordingStart: startNanos, linter: linter
                ) { observers.emitPush($0) }
                if faults.hasEventRules { r.tunnelFilter = webSocketPushFaults(draft) }
            }
            return r
        }
        if Self.isEventStreamRequest(draft.request, kind: draft.kind), head.status == 200,
            draft.kind == .eventSource || head.headers["content-type"]?.hasPrefixIgnoringASCIICase("text/event-stream") == true
        {
            return eventStreamResponse(up, head: head, draft: draft)
        }
        switch draft.kind {
        case .session where head.status == 200:
            return sessionResponse(up, head: head, draft: draft, sessionURL: requestURL)
        case .other where Self.mayBeSession(draft.request, head, up.body):
            // A client may fetch the session URL directly; recognise the session by its content.
            let buffered = BodyBuffer.read(up.body, limit: 1 << 20)
            guard let bytes = buffered.complete,
                let plain = ContentCoding.decodedForReading(bytes, headers: head.headers, limit: 1 << 22),
                let v = try? JSONParser.parse(plain), v["apiUrl"]?.stringValue != nil, v["capabilities"] != nil
            else { return RelayResponse(head: head, body: buffered.source) }
            draft.kind = .session
            routing.addSessionPath(String(draft.request.path))
            return sessionResponse(
                UpstreamResponse(head: up.head, body: BufferedBody(bytes)), head: head, draft: draft, sessionURL: requestURL)
        case .api:
            let buffered = BodyBuffer.read(up.body, limit: config.maxBufferedBodyBytes)
            if let bytes = buffered.complete {
                let plain = ContentCoding.decodedForReading(bytes, headers: head.headers, limit: config.maxBufferedBodyBytes)
                draft.responseBody = plain
                draft.upstreamResponseBody = plain
                if plan.rewritesResponse, let faulted = applyResponseFaults(plan, upstreamBody: plain) {
                    draft.responseBody = faulted
                    draft.noteResponse(JMAPScanner.scanResponse(faulted))
                    head.headers.remove("content-encoding")
                    head.headers.remove("content-length")
                    return RelayResponse(head: head, body: BufferedBody(faulted))
                }
                if let plain { draft.noteResponse(JMAPScanner.scanResponse(plain)) }
                if let plain, let restored = restoringCallbackURLs(plain, draft: draft) {
                    draft.responseBody = restored
                    head.headers.remove("content-encoding")
                    head.headers.remove("content-length")
                    return RelayResponse(head: head, body: BufferedBody(restored))
                }
            }
            return RelayResponse(head: head, body: buffered.source)
        default:
            guard recording, Self.isRecordable(draft.kind) else { return RelayResponse(head: head, body: up.body) }
            let buffered = BodyBuffer.read(up.body, limit: config.maxRecordedBodyBytes)
            if let bytes = buffered.complete {
                draft.upstreamResponseBody = ContentCoding.decodedForReading(bytes, headers: head.headers, limit: config.maxRecordedBodyBytes)
            }
            return RelayResponse(head: head, body: buffered.source)
        }
    }

    /// The answer to an API request none of whose calls went upstream.
    private func localAnswer(_ plan: FaultPlan, draft: ExchangeDraft) -> RelayResponse {
        let bytes = applyResponseFaults(plan, upstreamBody: nil) ?? []
        draft.responseBody = bytes
        draft.noteResponse(JMAPScanner.scanResponse(bytes))
        return .local(status: 200, contentType: "application/json", body: bytes)
    }

    /// Whether exchanges are being recorded.
    var recording: Bool { config.recorder != nil }

    /// Streams that never end are not recorded as exchanges.
    static func isRecordable(_ kind: EndpointKind) -> Bool { kind != .eventSource && kind != .webSocket }

    /// A small JSON answer to a GET at no known endpoint: worth a look for a session object.
    static func mayBeSession(_ request: HTTPRequestHead, _ head: HTTPResponseHead, _ body: any BodySource) -> Bool {
        request.method == "GET" && head.status == 200 && (head.headers["content-type"]?.containsIgnoringASCIICase("json") ?? false)
            && (body.knownLength ?? Int.max) <= 1 << 20
    }

    /// Reads, rewrites and re-serialises a session object so its URLs point at the relay.
    private func sessionResponse(_ up: UpstreamResponse, head: HTTPResponseHead, draft: ExchangeDraft, sessionURL: String)
        -> RelayResponse
    {
        var head = head
        let buffered = BodyBuffer.read(up.body, limit: config.maxBufferedBodyBytes)
        guard let raw = buffered.complete,
            let plain = ContentCoding.decodedForReading(raw, headers: head.headers, limit: config.maxBufferedBodyBytes),
            let session = try? JSONParser.parse(plain), session.objectValue != nil
        else {
            log.warning("session answer from \(sessionURL) is not a JSON object; passed through unchanged")
            return RelayResponse(head: head, body: buffered.source)
        }
        draft.upstreamResponseBody = plain
        faults.learn(session: session)
        var rewritten = routing.rewriteSession(
            session, sessionURL: sessionURL, rewriter: rewriter, relayOrigin: rewriter.relayOrigin(overTLS: draft.overTLS))
        let sessionFaults = faults.sessionFaults
        if !sessionFaults.isEmpty {
            rewritten = sessionFaults.apply(to: rewritten)
            draft.faults.append("session: " + sessionFaults.summary)
        }
        let bytes = rewritten.serialized()
        head.headers.remove("content-encoding")
        head.headers.remove("content-length")
        head.headers.remove("etag")
        draft.responseBody = bytes
        return RelayResponse(head: head, body: BufferedBody(bytes))
    }

    /// The reply to a request whose body the codec refused while the loop read it whole
    /// (a malformed chunk, a body over `--max-body-size`).
    func refuseBody(_ request: IncomingRequest, _ error: HTTPParseError) -> RelayReply {
        let draft = ExchangeDraft(seq: nextSeq(), request: request, startMs: Self.ms(from: startNanos, to: request.arrivalNanos))
        draft.kind = routing.kind(method: request.head.method, target: request.head.target)
        draft.error = "client body: \(error)"
        return finish(draft, .problem(.malformedRequest(error)))
    }

    /// Largest request body the loop reads whole before `prepare` sees the request, or nil
    /// to stream it: what the pipeline reads (API calls, the control API, push callbacks, a
    /// recording to match or record) and any small body (one write upstream).
    func wholeRequestBodyLimit(_ head: HTTPRequestHead, length: Int?) -> Int? {
        if RelayPaths.isControl(head.target) || head.target.hasPrefix(PushSubscriptionURLs.callbackPrefix) { return 1 << 20 }
        if let replay = upstream.recording { return replay.maxBodyBytes }
        let kind = routing.kind(method: head.method, target: head.target)
        if kind == .api { return config.maxBufferedBodyBytes }
        if recording, Self.isRecordable(kind) { return config.maxRecordedBodyBytes }
        if let n = length, n <= Self.smallBody { return n }
        return nil
    }

    /// Largest answer the loop reads whole before `complete` sees it, or nil to stream it
    /// (event streams, large downloads nobody reads).
    func wholeResponseBodyLimit(_ forward: ForwardPlan, head: HTTPResponseHead) -> Int? {
        let draft = forward.draft
        if Self.isEventStreamRequest(draft.request, kind: draft.kind), head.status == 200,
            draft.kind == .eventSource || head.headers["content-type"]?.hasPrefixIgnoringASCIICase("text/event-stream") == true
        {
            return nil
        }
        let length = head.headers["transfer-encoding"] == nil ? head.headers["content-length"].flatMap(Int.init) : nil
        switch draft.kind {
        case .session where head.status == 200, .api: return config.maxBufferedBodyBytes
        case .pushCallback: return 1 << 20
        case .other where draft.request.method == "GET" && head.status == 200
            && (head.headers["content-type"]?.containsIgnoringASCIICase("json") ?? false) && (length ?? Int.max) <= 1 << 20:
            return 1 << 20
        default:
            if recording, Self.isRecordable(draft.kind) { return config.maxRecordedBodyBytes }
            if let n = length, n <= Self.smallBody { return n }
            return nil
        }
    }

    /// Milliseconds between two readings of the clock.
    static func ms(from start: UInt64, to end: UInt64) -> Double { Double(end &- start) / 1_000_000 }

    /// Milliseconds since the relay started, by its clock (recording offsets, uptime).
    var elapsedMs: Double { Self.ms(from: startNanos, to: clock()) }

    /// Bodies up to this size are read whole even when nobody looks at them: one write.
    static let smallBody = 1 << 20

    /// Records a refusal the codec made before a request existed (malformed input).
    func noteRefusal(_ problem: ProblemDetails, peer: String) {
        let seq = nextSeq()
        log.warning("#\(seq) refused a request from \(peer): \(problem.detail)")
        var r = TraceRecord(seq: seq, method: "-", target: "-", status: problem.status, durationMs: 0, kind: .other)
        r.error = problem.detail
        observers.emitTrace(r)
    }
}
