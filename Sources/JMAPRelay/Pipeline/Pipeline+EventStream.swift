import RelayCore

extension Pipeline {
    /// Whether a request opens an EventSource stream: the session's `eventSourceUrl`, or any
    /// request that accepts `text/event-stream` (before a session named the endpoint).
    static func isEventStreamRequest(_ head: HTTPRequestHead, kind: EndpointKind) -> Bool {
        kind == .eventSource || (head.method == "GET" && (head.headers["accept"]?.containsIgnoringASCIICase("text/event-stream") ?? false))
    }

    /// Streams an EventSource answer to the client event by event, tracing each `state` event.
    /// The relay asked upstream for `identity`, so a `Content-Encoding` on the answer is a false
    /// label (Cyrus sends `gzip` on a plain stream) and is removed: the client would otherwise
    /// try to inflate plain text.
    func eventStreamResponse(_ up: UpstreamResponse, head: HTTPResponseHead, draft: ExchangeDraft) -> RelayResponse {
        var head = head
        let labelled = head.headers.tokens(for: "content-encoding").contains { $0 != "identity" }
        head.headers.remove("content-encoding")
        let observers = self.observers
        let log = self.log
        let seq = draft.seq
        let target = draft.request.target
        let recorder = up.replayed ? nil : config.recorder
        let start = startNanos
        let clock = self.clock
        var faulty: FaultyEventStream?
        if faults.hasEventRules {
            let faults = self.faults
            let stream = FaultContext(method: draft.request.method, path: String(draft.request.path), kind: .eventSource)
            faulty = FaultyEventStream(decide: { _ in faults.decideEvent(stream) }) { event, rule in
                let what = PushSummary.stateChange(json: Array(event.data.utf8)) ?? "push state"
                var r = PushTraceRecord(seq: seq, kind: .eventSource, direction: .toClient, type: "fault", summary: what)
                r.problems = ["fault: \(rule.label)"]
                observers.emitPush(r)
            }
        }
        let tap = EventStreamTap(after: faulty, checkForGzip: labelled) { event in
            guard event.type == "state" else { return }
            if let recorder {
                let data = (try? JSONParser.parse(Array(event.data.utf8))) ?? .string(event.data)
                recorder.appendPush(RecordedPush(
                    tMs: Int(Self.ms(from: start, to: clock())), transport: .eventSource, event: data, eventId: event.id))
            }
            let summary = PushSummary.stateChange(json: Array(event.data.utf8)) ?? "push state  (unreadable: not a StateChange)"
            observers.emitPush(PushTraceRecord(seq: seq, kind: .eventSource, direction: .toClient, type: "state", summary: summary))
        } onGzip: {
            log.warning("#\(seq) \(target): the event stream is really gzip although identity was asked for; it reaches the client undecoded")
        }
        // Push faults change the bytes: a length the upstream gave no longer holds.
        let body = faulty == nil ? up.body : (up.body as? StreamedBody).map { StreamedBody(prefix: $0.prefix, knownLength: nil, limit: 0) } ?? up.body
        var r = RelayResponse(head: head, body: body)
        r.transform = tap
        return r
    }
}

extension Pipeline {
    /// Push faults for the WebSocket opened by `draft`, traced under its number.
    func webSocketPushFaults(_ draft: ExchangeDraft) -> WebSocketPushFaults {
        let faults = self.faults
        let observers = self.observers
        let seq = draft.seq
        let stream = FaultContext(method: draft.request.method, path: String(draft.request.path), kind: .webSocket)
        return WebSocketPushFaults(decide: { faults.decideEvent(stream) }) { message, rule in
            let what = PushSummary.stateChange(json: message) ?? "StateChange"
            var r = PushTraceRecord(seq: seq, kind: .webSocket, direction: .toClient, type: "fault", summary: what)
            r.problems = ["fault: \(rule.label)"]
            observers.emitPush(r)
        }
    }
}

/// Passes an event stream through piece by piece, unchanged (or as push faults made it),
/// while parsing its events for the trace and the recording.
final class EventStreamTap: BodyTransform, @unchecked Sendable {
    // Owned by the loop carrying the stream.
    private let inner: (any BodyTransform)?
    private var parser = ServerSentEventParser()
    private var checkForGzip: Bool
    private let onEvent: (ServerSentEvent) -> Void
    private let onGzip: () -> Void

    init(after inner: (any BodyTransform)?, checkForGzip: Bool, onEvent: @escaping (ServerSentEvent) -> Void,
         onGzip: @escaping () -> Void) {
        self.inner = inner
        self.checkForGzip = checkForGzip
        self.onEvent = onEvent
        self.onGzip = onGzip
    }

    func transform(_ piece: ArraySlice<UInt8>) -> (segments: [(delayMs: Int, bytes: [UInt8])], end: Bool) {
        if checkForGzip, !piece.isEmpty {
            checkForGzip = false
            if piece.starts(with: [0x1F, 0x8B]) { onGzip() }
        }
        let out: (segments: [(delayMs: Int, bytes: [UInt8])], end: Bool) = inner?.transform(piece) ?? ([(0, Array(piece))], false)
        for seg in out.segments { for e in parser.feed(seg.bytes[...]) { onEvent(e) } }
        return out
    }
}
