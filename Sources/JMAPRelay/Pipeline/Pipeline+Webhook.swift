import RelayCore

extension Pipeline {
    /// The base of the callback URLs the server is given.
    var pushCallbackBase: String {
        var base = config.pushCallbackURL ?? rewriter.relayBase.httpBase
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// A `PushSubscription/set` body with each new subscription's `url` replaced by a relay
    /// callback URL; nil when the body creates none.
    func rewritingCallbackURLs(_ body: [UInt8], draft: ExchangeDraft) -> [UInt8]? {
        guard draft.jmapMethods.contains("PushSubscription/set") else { return nil }
        let base = pushCallbackBase
        let rewritten = PushSubscriptionURLs.rewrite(body) { url in
            base + PushSubscriptionURLs.callbackPrefix + webhooks.issue(for: url)
        }
        if rewritten != nil { log.info("#\(draft.seq) PushSubscription url -> \(base)\(PushSubscriptionURLs.callbackPrefix)<token>") }
        return rewritten
    }

    /// An API answer with the relay's callback URLs in `PushSubscription/get` put back to the
    /// clients' own; nil when there are none.
    func restoringCallbackURLs(_ response: [UInt8], draft: ExchangeDraft) -> [UInt8]? {
        guard draft.jmapMethods.contains("PushSubscription/get") else { return nil }
        return PushSubscriptionURLs.restore(response) { webhooks.url(for: $0) }
    }

    /// A push the server POSTed to a relay callback URL: traced, recorded, and forwarded
    /// unchanged (body and the push's headers) to the client's URL the token stands for.
    /// Unknown tokens get 404 and nothing is sent anywhere.
    func webhookForward(_ request: IncomingRequest, draft: ExchangeDraft) -> WebhookOutcome {
        let head = request.head
        let token = String(head.path.dropFirst(PushSubscriptionURLs.callbackPrefix.count))
        guard head.method == "POST", !token.isEmpty, !token.contains("/"), let url = webhooks.url(for: token) else {
            return .reply(.problem(.relay("unknown-push-callback", title: "Not Found", status: 404,
                                          detail: "The relay issued no push callback at \(head.path).")))
        }
        let body: [UInt8]
        do {
            body = try request.body.readAll(limit: 1 << 20)
        } catch {
            draft.error = "client body: \(error)"
            return .reply(.problem(.relay("push-too-large", title: "Content Too Large", status: 413,
                                          detail: "A push body over 1 MiB; RFC 8620 pushes are small.")))
        }
        draft.requestBody = body
        var headers = HTTPHeaders()
        for f in head.headers where !WebhookSender.hopByHop.contains(f.name.lowercased()) { headers.add(f.name, f.value) }
        let event = head.headers["content-encoding"] == nil ? try? JSONParser.parse(body) : nil
        let push = RecordedPush(tMs: Int(elapsedMs), transport: .webhook, event: event,
                                body: event == nil ? body : nil, headers: headers, token: token)
        observers.emitPush(PushTraceRecord(seq: draft.seq, kind: .pushCallback, direction: .toClient,
                                           type: push.type ?? "push", summary: Self.webhookSummary(push, url: url)))
        config.recorder?.appendPush(push)
        guard let request = WebhookSender.request(url: url, headers: headers, body: body) else {
            draft.error = "webhook \(url): not an http(s) URL"
            return .reply(.problem(.upstreamFailed(UpstreamError(.protocolError, origin: url, detail: "not an http(s) URL"))))
        }
        return .forward(ForwardPlan(draft: draft, request: request, upgrading: false, faultPlan: FaultPlan(), direct: true))
    }

    /// The client's answer to a forwarded push, passed back to the server (status, type, body).
    func webhookAnswer(_ answer: UpstreamResponse, draft: ExchangeDraft) -> RelayResponse {
        let body = answer.body.unreadContents ?? []
        draft.responseBody = body
        var h = HTTPHeaders()
        if let ct = answer.head.headers["content-type"] { h.set("Content-Type", ct) }
        return RelayResponse(head: HTTPResponseHead(status: answer.head.status, headers: h), body: BufferedBody(body))
    }

    /// `PushVerification ps1 -> http://client/hook`, `push state  u1: Email=s3 -> …`, or the
    /// size and coding of an encrypted push.
    static func webhookSummary(_ push: RecordedPush, url: String) -> String {
        let what: String
        if let e = push.event, push.type == "PushVerification" {
            what = "PushVerification " + (e["pushSubscriptionId"]?.stringValue ?? "?")
        } else if let e = push.event, let s = PushSummary.stateChange(e) {
            what = s
        } else {
            let coding = push.headers["content-encoding"].map { " (\($0))" } ?? ""
            what = "push \(push.payload.count) bytes" + coding
        }
        return what + " -> " + url
    }
}

/// What `webhookForward` decides.
enum WebhookOutcome {
    /// Answer the server now (unknown token, body too large).
    case reply(RelayResponse)
    /// Forward the push to the client's URL.
    case forward(ForwardPlan)
}
