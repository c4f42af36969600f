import RelayCore

/// POSTs a push to a client's callback URL (RFC 8620 §7.2): the body and the push's own
/// headers (`Content-Encoding`, `Crypto-Key`, `TTL`, `Urgency`, `Topic`…) unchanged.
final class WebhookSender: Sendable {
    private let client: LiveUpstream
    private let log: Log?

    init(tls: TLSClientConfiguration = TLSClientConfiguration(caFile: nil, insecure: false), timeout: Duration, log: Log?) throws {
        client = try LiveUpstream(tls: tls, connectTimeout: timeout, readTimeout: timeout)
        self.log = log
    }

    /// Sends one POST and returns the answer's head and (bounded) body.
    func post(url: String, headers: HTTPHeaders, body: [UInt8]) throws -> (HTTPResponseHead, [UInt8]) {
        guard let (origin, target) = PushSubscriptionURLs.originAndTarget(url) else {
            throw UpstreamError(.protocolError, origin: url, detail: "not an http(s) URL")
        }
        var h = HTTPHeaders()
        for f in headers where !Self.hopByHop.contains(f.name.lowercased()) { h.add(f.name, f.value) }
        h.set("Host", origin.hostHeader)
        if h["content-type"] == nil { h.set("Content-Type", "application/json") }
        let response = try client.send(UpstreamRequest(
            origin: origin, head: HTTPRequestHead(method: "POST", target: target, headers: h), body: BufferedBody(body)))
        let answer = (try? response.body.readAll(limit: 1 << 20)) ?? []
        return (response.head, answer)
    }

    /// Delivers a recorded push to `url`, logging a failure.
    func deliver(_ push: RecordedPush, to url: String) {
        do {
            let (head, _) = try post(url: url, headers: push.headers, body: push.payload)
            if !(200..<300).contains(head.status) { log?.warning("webhook \(push.type ?? "push") to \(url): \(head.status)") }
        } catch {
            log?.warning("webhook \(push.type ?? "push") to \(url) failed: \(error)")
        }
    }

    /// Headers that belong to one connection, not to the push.
    static let hopByHop: Set<String> = ["host", "connection", "keep-alive", "transfer-encoding", "content-length", "te", "upgrade"]

    func shutdown() { client.shutdown() }
}
