import RelayCore

/// What the pipeline learns about an exchange while handling it; completed into an `Exchange`
/// and a `TraceRecord` once the response has been written. A reference: the exchange passes
/// it along (prepare, the upstream, complete, the write's completion) without copying its
/// two dozen fields at each step. One step at a time owns it, so it needs no lock.
final class ExchangeDraft: @unchecked Sendable {
    var seq: Int
    var request: HTTPRequestHead
    var arrivalNanos: UInt64
    /// The client came over TLS: URLs given back to it name `https`/`wss`.
    let overTLS: Bool
    var startMs: Double
    var kind: EndpointKind = .other
    var origin: Origin?
    var originIndex: Int?
    var requestBody: [UInt8]?
    var responseBody: [UInt8]?
    var jmapMethods: [String] = []
    var callIds: [String] = []
    var methodErrors: [TraceRecord.MethodError] = []
    var notCreated = 0
    var notUpdated = 0
    var notDestroyed = 0
    var problemType: String?
    var faults: [String] = []
    var error: String?
    /// The client closed the connection before the response was fully written.
    var clientClosed = false
    /// The response is `text/event-stream`: a client closing it is the stream's normal end.
    var eventStream = false
    var notes: [String] = []
    /// The upstream side, for the recorder: request as sent, response as received (decoded).
    var upstreamRequest: HTTPRequestHead?
    var upstreamRequestBody: [UInt8]?
    var upstreamResponse: HTTPResponseHead?
    var upstreamResponseBody: [UInt8]?
    var replayed = false
    /// Sent by a web page from another origin: its answer grants that page nothing.
    var crossOrigin = false

    init(seq: Int, request: IncomingRequest, startMs: Double) {
        self.seq = seq
        self.request = request.head
        self.arrivalNanos = request.arrivalNanos
        self.overTLS = request.overTLS
        self.startMs = startMs
    }

    func noteRequest(_ s: JMAPRequestSummary?) {
        guard let s else { return }
        jmapMethods = s.methodNames
        callIds = s.callIds
    }

    func noteResponse(_ s: JMAPResponseSummary?) {
        guard let s else { return }
        notCreated = s.notCreated
        notUpdated = s.notUpdated
        notDestroyed = s.notDestroyed
        problemType = s.problemType
        methodErrors = s.errors.map { e in
            let method = callIds.firstIndex(of: e.callId).map { jmapMethods[$0] }
            return TraceRecord.MethodError(callId: e.callId, method: method, type: e.type)
        }
    }

    /// The trace line's facts.
    func traceRecord(status: Int?, durationMs: Double, requestBytes: Int, responseBytes: Int) -> TraceRecord {
        var r = TraceRecord(seq: seq, method: request.method, target: request.target, status: status, durationMs: durationMs, kind: kind)
        r.jmapMethods = jmapMethods
        r.methodErrors = methodErrors
        r.notCreated = notCreated
        r.notUpdated = notUpdated
        r.notDestroyed = notDestroyed
        r.problemType = problemType
        r.faults = faults
        r.error = error
        r.clientClosed = clientClosed
        r.eventStream = eventStream
        r.notes = notes
        r.requestBytes = requestBytes
        r.responseBytes = responseBytes
        return r
    }
}

extension Pipeline {
    /// Attaches the bookkeeping that runs when the reply has gone out: trace line, exchange
    /// ring, recorder.
    func finish(_ draft: ExchangeDraft, _ reply: RelayReply) -> RelayReply {
        switch reply {
        case .reset, .hang:
            complete(draft, response: nil, bytesSent: 0, error: draft.error ?? (reply.isReset ? "connection reset" : "hung"))
            return reply
        case .response(var r):
            if draft.crossOrigin { r.head.headers.removeAll(where: RequestGuard.isCORSGrant) }
            let head = r.head
            let previous = r.completion
            r.completion = { [self] outcome in
                previous?(outcome)
                draft.clientClosed = outcome.clientClosed
                draft.eventStream = head.headers["content-type"]?.lowercased().hasPrefix("text/event-stream") == true
                complete(draft, response: head, bytesSent: outcome.bytesSent, error: outcome.error ?? draft.error)
            }
            return .response(r)
        }
    }

    /// Convenience for `finish` with a response.
    func finish(_ draft: ExchangeDraft, _ response: RelayResponse) -> RelayReply { finish(draft, .response(response)) }

    private func complete(_ draft: ExchangeDraft, response: HTTPResponseHead?, bytesSent: Int, error: String?) {
        let d = draft
        d.error = error
        let duration = Self.ms(from: draft.arrivalNanos, to: clock())
        if let recorder = config.recorder, !d.replayed, let req = d.upstreamRequest, var res = d.upstreamResponse {
            // Framing is the codec's; a decoded body is stored decoded.
            let decoded = d.upstreamResponseBody != nil
            res.headers.removeAll { f in
                HTTPHeaders.equalsIgnoringCase(f.name, "content-length") || HTTPHeaders.equalsIgnoringCase(f.name, "transfer-encoding")
                    || (decoded && HTTPHeaders.equalsIgnoringCase(f.name, "content-encoding"))
            }
            recorder.append(RecordedExchange(
                seq: d.seq, tMs: Int(d.startMs), durationMs: Int(duration.rounded()), kind: d.kind,
                origin: d.origin ?? routing.origins[0], request: req, requestBody: d.upstreamRequestBody, response: res,
                responseBody: d.upstreamResponseBody), jmapMethods: d.jmapMethods)
        }
        if let linter, let response {
            // The client's view, but the server's own session (its URLs before rewriting).
            let session = d.kind == .session
            d.notes += linter.notes(for: RecordedExchange(
                seq: d.seq, tMs: Int(d.startMs), durationMs: Int(duration.rounded()), kind: d.kind,
                origin: d.origin ?? routing.origins[0], request: d.request, requestBody: d.requestBody,
                response: session ? (d.upstreamResponse ?? response) : response,
                responseBody: session ? d.upstreamResponseBody : (d.responseBody ?? d.upstreamResponseBody)))
        }
        let requestBytes = draft.requestBody?.count ?? 0
        observers.emitTrace(d.traceRecord(status: response?.status, durationMs: duration, requestBytes: requestBytes, responseBytes: bytesSent))
        observers.emitExchange(FinishedExchange(draft: d, response: response, bytesSent: bytesSent, durationMs: duration))
    }
}

extension RelayReply {
    var isReset: Bool {
        if case .reset = self { return true }
        return false
    }
}

extension RelayResponse {
    /// Wraps a single-reply convenience for `finish`.
    static func reply(_ r: RelayResponse) -> RelayReply { .response(r) }
}
