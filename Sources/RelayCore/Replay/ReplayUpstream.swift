
/// An `Upstream` that answers from a recording, with no network. It stands where the live
/// upstream stands, so the trace, faults and control API work the same in both modes.
public final class ReplayUpstream: Upstream, Sendable {
    private let matcher: Locked<ReplayMatcher>
    /// The recording's header.
    public let header: RecordingHeader
    /// Most bytes of a request body read for matching.
    public let maxBodyBytes: Int

    /// The matcher's recorded exchanges and their requests' names, read without the lock.
    private let entries: [RecordedExchange]
    private let ids: [JMAPRequestIds?]
    private let storedAnswers: (@Sendable (Int) -> StoredAnswer?)?

    /// - Parameter storedAnswers: For a recording loaded without its answers, reads one when
    ///   it is served (see `ReplayMatcher.init(recording:storedAnswers:)`).
    public init(recording: Recording, maxBodyBytes: Int = 32 * 1024 * 1024, storedAnswers: (@Sendable (Int) -> StoredAnswer?)? = nil) {
        let m = ReplayMatcher(recording: recording, storedAnswers: storedAnswers)
        entries = m.entries
        ids = m.matchIndex.ids
        self.storedAnswers = storedAnswers
        matcher = Locked(m)
        header = recording.header
        self.maxBodyBytes = maxBodyBytes
    }

    public var matchesWholeRequests: Bool { true }
    public var recording: ReplayUpstream? { self }

    /// The primary origin the recording was made against.
    public var primaryOrigin: Origin { header.origins[0] }

    public func answer(_ request: inout UpstreamRequest) throws -> UpstreamResponse? { try send(request) }

    /// The recording's answer to `request` (a miss is an answer too: a JMAP-shaped error).
    public func send(_ request: UpstreamRequest) throws -> UpstreamResponse {
        let body = try request.body.readAll(limit: maxBodyBytes)
        // Parsing and adapting happen outside the lock; only the queues are shared.
        let prepared = ReplayMatcher.prepare(origin: request.origin, head: request.head, body: body)
        let answer: ReplayMatcher.Outcome
        if let index = matcher.withLock({ $0.take(prepared.key) }) {
            answer = ReplayMatcher.hit(entries, ids, storedAnswers, index: index, shape: prepared.shape)
        } else {
            answer = .miss(matcher.withLock { $0.noteMiss(prepared, origin: request.origin, head: request.head) })
        }
        switch answer {
        case .hit(let head, let bytes, let seq):
            var h = head
            h.headers.remove("content-length")
            h.headers.remove("transfer-encoding")
            h.headers.remove("content-encoding")
            var r = UpstreamResponse(head: h, body: BufferedBody(bytes), replayed: true)
            r.replayedSeq = seq
            return r
        case .miss(let miss):
            return Self.problemResponse(miss)
        }
    }

    static func problemResponse(_ miss: ReplayMiss) -> UpstreamResponse {
        let p = miss.problem
        let head = HTTPResponseHead(status: p.status, headers: ["Content-Type": ProblemDetails.contentType, "X-Relay-Replay": "miss"])
        return UpstreamResponse(head: head, body: BufferedBody(p.body), replayed: true)
    }

    /// The answer to a JMAP `Request` sent over a WebSocket (RFC 8887).
    public func answerWebSocket(_ request: [UInt8]) -> ReplayMatcher.WebSocketOutcome {
        matcher.withLock { m in m.answerWebSocket(request, apiEndpoints: m.apiEndpoints) }
    }

    /// Marks the recorded exchange for a request answered outside the matcher as used.
    public func markServed(_ request: UpstreamRequest) {
        matcher.withLock { $0.markServed(origin: request.origin, head: request.head) }
    }

    /// The recorded exchange with this sequence number.
    public func recordedExchange(seq: Int) -> RecordedExchange? { matcher.withLock { $0.exchange(seq: seq) } }

    /// Every miss so far.
    public var misses: [ReplayMiss] { matcher.withLock { $0.misses } }

    /// Recorded exchanges never served.
    public var unusedSeqs: [Int] { matcher.withLock { $0.unusedSeqs } }
}
