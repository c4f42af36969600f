import RelayCore

/// Replay with push: an `Upstream` in front of the recording's own (`ReplayUpstream`, or a
/// `FallbackUpstream` around it) that also plays the server's push side. An EventSource `GET`
/// gets a live stream of recorded events, a WebSocket upgrade is accepted here and served by
/// `ReplayWebSocket`, and each answered request lets the pushes recorded after it go out —
/// including webhook pushes, to the callback URL the client gave in its replayed
/// `PushSubscription/set`.
public final class PushReplayUpstream: Upstream, Sendable {
    private let inner: any Upstream
    let replay: ReplayUpstream
    private let hub: ReplayPushHub
    let webhooks: WebhookSender

    /// - Parameters:
    ///   - inner: answers everything that is not push (the recording, maybe with a fallback).
    ///   - replay: the recording's matcher, for WebSocket requests and webhook tokens.
    ///   - pushes: the recording's push lines.
    ///   - webhooks: delivers webhook pushes (POSTs them to the client's URL).
    init(inner: any Upstream, replay: ReplayUpstream, pushes: [RecordedPush], webhooks: WebhookSender) {
        self.inner = inner
        self.replay = replay
        self.hub = ReplayPushHub(pushes: pushes) { push, url in webhooks.deliver(push, to: url) }
        self.webhooks = webhooks
    }

    /// Replays `recording` with its push, answering the rest with `inner` (by default the
    /// recording itself).
    public convenience init(recording: Recording, replay: ReplayUpstream, inner: (any Upstream)? = nil,
                            webhookTimeout: Duration = .seconds(10)) throws {
        self.init(inner: inner ?? replay, replay: replay, pushes: recording.pushes,
                  webhooks: WebhookSender(log: nil))
    }

    public var matchesWholeRequests: Bool { true }
    public var recording: ReplayUpstream? { replay }

    public func answer(_ request: inout UpstreamRequest) throws -> UpstreamResponse? {
        let h = request.head
        if h.method == "GET", WebSocketHandshake.isWebSocket(h.headers), let key = h.headers["sec-websocket-key"] {
            var head = HTTPResponseHead(status: 101, headers: [
                "Upgrade": "websocket", "Connection": "Upgrade",
                "Sec-WebSocket-Accept": WebSocketHandshake.acceptValue(forKey: key),
            ])
            replay.markServed(request)
            if h.headers.hasToken("jmap", for: "sec-websocket-protocol") { head.headers.add("Sec-WebSocket-Protocol", "jmap") }
            return UpstreamResponse(head: head, body: BufferedBody.empty(), upgraded: ReplayWebSocket(replay: replay, hub: hub),
                                    replayed: true)
        }
        if h.method == "GET", request.kind == .eventSource || (h.headers["accept"]?.containsIgnoringASCIICase("text/event-stream") ?? false) {
            replay.markServed(request)
            let stream = ReplayEventStream(options: PushSubscriptionOptions(eventSourceQuery: h.query))
            hub.add(stream)
            let head = HTTPResponseHead(status: 200, headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-cache"])
            return UpstreamResponse(head: head, body: stream, replayed: true)
        }
        var r = request
        var body: [UInt8]?
        if request.kind == .api || h.method == "POST" {
            let bytes = try request.body.readAll(limit: replay.maxBodyBytes)
            body = bytes
            r.body = BufferedBody(bytes)
        }
        guard var answer = try inner.answer(&r) else {
            request = r
            return nil
        }
        if let seq = answer.replayedSeq {
            if let body { learnCallbacks(clientBody: body, recordedSeq: seq) }
            hub.served(seq: seq)
            if let body, PushSubscriptionURLs.mentionsGet(body) {
                // Recorded subscriptions carry the relay's callback URL; the client sees its own.
                let bytes = try answer.body.readAll(limit: replay.maxBodyBytes)
                answer.body = BufferedBody(PushSubscriptionURLs.restore(bytes) { hub.url(for: $0) } ?? bytes)
            }
        }
        return answer
    }

    /// Pairs the callback URLs of a replayed `PushSubscription/set` with the relay tokens its
    /// recorded request carried, in order.
    private func learnCallbacks(clientBody: [UInt8], recordedSeq: Int) {
        let urls = PushSubscriptionURLs.created(in: clientBody)
        guard !urls.isEmpty, let recorded = replay.recordedExchange(seq: recordedSeq)?.requestBody else { return }
        let tokens = PushSubscriptionURLs.created(in: recorded).map { PushSubscriptionURLs.token(inCallbackURL: $0) }
        for (token, url) in zip(tokens, urls) {
            if let token { hub.learn(token: token, url: url) }
        }
    }

    /// Ends open streams and WebSockets (the relay is stopping).
    public func shutdown() {
        hub.shutdown()
        webhooks.shutdown()
    }
}
