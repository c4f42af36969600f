import RelayCore

/// POSTs pushes to clients' callback URLs (RFC 8620 §7.2) from an event loop: the body and
/// the push's own headers (`Content-Encoding`, `Crypto-Key`, `TTL`, `Urgency`, `Topic`…)
/// unchanged. Replayed pushes go out one at a time, in order.
final class WebhookSender: Sendable {
    private struct State {
        var loop: EventLoop?
        var queue: [(RecordedPush, String)] = []
        var sending = false
        var stopped = false
    }

    private let state = Locked(State())
    private let log: Log?

    init(log: Log?) { self.log = log }

    /// The request that carries a push to `url`; nil when `url` is not http(s).
    static func request(url: String, headers: HTTPHeaders, body: [UInt8]) -> UpstreamRequest? {
        guard let (origin, target) = PushSubscriptionURLs.originAndTarget(url) else { return nil }
        var h = HTTPHeaders()
        for f in headers where !hopByHop.contains(f.name.lowercased()) { h.add(f.name, f.value) }
        h.set("Host", origin.hostHeader)
        if h["content-type"] == nil { h.set("Content-Type", "application/json") }
        return UpstreamRequest(
            origin: origin, head: HTTPRequestHead(method: "POST", target: target, headers: h), body: BufferedBody(body), kind: .pushCallback)
    }

    /// Sends from `loop` from now on (the relay has started).
    func attach(_ loop: EventLoop) {
        state.withLock { $0.loop = loop }
        sendNext()
    }

    /// Delivers a recorded push to `url` after those before it, logging a failure.
    func deliver(_ push: RecordedPush, to url: String) {
        state.withLock { if !$0.stopped { $0.queue.append((push, url)) } }
        sendNext()
    }

    private func sendNext() {
        let next = state.withLock { s -> (EventLoop, RecordedPush, String)? in
            guard !s.sending, !s.stopped, let loop = s.loop, !s.queue.isEmpty else { return nil }
            s.sending = true
            let (p, u) = s.queue.removeFirst()
            return (loop, p, u)
        }
        guard let (loop, push, url) = next else { return }
        guard let request = Self.request(url: url, headers: push.headers, body: push.payload) else {
            log?.warning("webhook \(push.type ?? "push") to \(url) failed: not an http(s) URL")
            return done()
        }
        loop.execute { [self] in
            OutgoingRequest.send(request, on: loop) { result in
                switch result {
                case .success(let head) where !(200..<300).contains(head.status):
                    self.log?.warning("webhook \(push.type ?? "push") to \(url): \(head.status)")
                case .failure(let e): self.log?.warning("webhook \(push.type ?? "push") to \(url) failed: \(e)")
                default: break
                }
                self.done()
            }
        }
    }

    private func done() {
        state.withLock { $0.sending = false }
        sendNext()
    }

    /// Headers that belong to one connection, not to the push.
    static let hopByHop: Set<String> = ["host", "connection", "keep-alive", "transfer-encoding", "content-length", "te", "upgrade"]

    func shutdown() { state.withLock { $0.stopped = true } }
}

/// A request the relay makes itself from an event loop (a replayed webhook): the answer's
/// head goes to `completion`, its body is read and dropped. Owned by the loop's thread.
final class OutgoingRequest: UpstreamReceiver {
    private var completion: ((Result<HTTPResponseHead, UpstreamError>) -> Void)?
    private var head: HTTPResponseHead?

    private init(_ completion: @escaping (Result<HTTPResponseHead, UpstreamError>) -> Void) { self.completion = completion }

    /// Sends `request` from `loop` (call on its thread).
    static func send(_ request: UpstreamRequest, on loop: EventLoop, completion: @escaping (Result<HTTPResponseHead, UpstreamError>) -> Void) {
        let body = request.body.unreadContents ?? []
        var bytes: [UInt8] = []
        HTTPSerializer.writeRequest(request.head, bodyLength: body.count, into: &bytes)
        bytes += body
        loop.startUpstream(request.origin, method: request.head.method, bytes: bytes, complete: true,
                           readTimeout: loop.config.upstreamTimeout, receiver: OutgoingRequest(completion))
    }

    func upstreamHead(_ head: HTTPResponseHead, from connection: LoopUpstreamConnection) { self.head = head }
    func upstreamBody(_ piece: ArraySlice<UInt8>) {}
    func upstreamEnd() { report(head.map { .success($0) } ?? .failure(UpstreamError(.protocolError, origin: "-", detail: "no response head"))) }
    func upstreamFailed(_ error: UpstreamError) { report(.failure(error)) }
    func upstreamDrained() {}

    private func report(_ r: Result<HTTPResponseHead, UpstreamError>) {
        let c = completion
        completion = nil
        c?(r)
    }
}
