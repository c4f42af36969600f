/// Answers requests from a recording. API requests match call by call on the JMAP shape
/// (`JMAPRequestShape`); other requests on method, origin and target. Identical requests get
/// their recorded answers in recorded order; asked more often than recorded, the last answer
/// repeats. `Authorization` is never part of a match.
public struct ReplayMatcher: Sendable {
    /// One answer.
    public enum Outcome: Sendable {
        case hit(response: HTTPResponseHead, body: [UInt8], seq: Int)
        case miss(ReplayMiss)
    }

    let entries: [RecordedExchange]
    let matchIndex: ReplayMatchIndex
    /// Reads the answer of an entry whose response was left in the file (see
    /// `init(recording:storedAnswers:)`).
    let storedAnswers: (@Sendable (Int) -> StoredAnswer?)?
    private var queues: [String: [Int]] = [:]
    private var lastServed: [String: Int] = [:]
    private var used = Set<Int>()
    /// Every miss so far.
    public internal(set) var misses: [ReplayMiss] = []

    /// - Parameter storedAnswers: For a recording loaded without its response bodies: reads
    ///   the response head and body of the exchange at an index of `recording.exchanges` when
    ///   it is served, so that only the matching keys stay in memory.
    public init(recording: Recording, storedAnswers: (@Sendable (Int) -> StoredAnswer?)? = nil) {
        self.storedAnswers = storedAnswers
        entries = recording.exchanges + recording.webSocketPairs.map { Self.entry($0, origin: recording.header.origins[0]) }
        matchIndex = ReplayMatchIndex(entries: entries, queues: &queues)
    }

    /// Sequence numbers of recorded exchanges never served.
    public var unusedSeqs: [Int] { entries.indices.filter { !used.contains($0) }.map { entries[$0].seq } }

    /// A query token is stored as `***` (see `SecretScrubber`), so a live one matches any.
    static func key(_ method: String, _ origin: Origin, _ target: String, _ shapeKey: String?) -> String {
        let target = SecretScrubber.maskingQueryTokens(target)
        if let shapeKey { return "\(method) \(origin) \(target) \(shapeKey)" }
        return "\(method) \(origin) \(target)"
    }

    /// The recorded exchange with this sequence number.
    public func exchange(seq: Int) -> RecordedExchange? { entries.first { $0.seq == seq } }

    /// The index of the entry that answers key `k`, if any (and marks it served).
    mutating func take(_ k: String) -> Int? {
        let index: Int
        if var q = queues[k], !q.isEmpty {
            index = q.removeFirst()
            queues[k] = q
            lastServed[k] = index
        } else if let last = lastServed[k] {
            index = last
        } else {
            return nil
        }
        used.insert(index)
        return index
    }

    /// Marks the recorded exchange for a request the replay answers by itself (an event stream,
    /// a WebSocket upgrade) as used; never a miss.
    public mutating func markServed(origin: Origin, head: HTTPRequestHead) {
        _ = take(Self.key(head.method, origin, head.target, nil))
    }

    /// The answer to a request.
    public mutating func answer(origin: Origin, head: HTTPRequestHead, body: [UInt8]) -> Outcome {
        let request = Self.prepare(origin: origin, head: head, body: body)
        guard let index = take(request.key) else { return .miss(noteMiss(request, origin: origin, head: head)) }
        return Self.hit(entries, matchIndex.ids, storedAnswers, index: index, shape: request.shape)
    }

    /// A request's shape and queue key: the part of matching that needs no state (done
    /// outside the replay's lock, so concurrent requests do not queue behind each other).
    static func prepare(origin: Origin, head: HTTPRequestHead, body: [UInt8]) -> (shape: JMAPRequestShape?, key: String) {
        let shape = head.method == "POST" ? JMAPRequestShape(body: body) : nil
        return (shape, key(head.method, origin, head.target, shape?.key))
    }

    /// Records a miss with the nearest recorded request.
    mutating func noteMiss(_ request: (shape: JMAPRequestShape?, key: String), origin: Origin, head: HTTPRequestHead) -> ReplayMiss {
        let miss = ReplayMiss.make(method: head.method, origin: origin, target: head.target, shape: request.shape,
                                   entries: entries, index: matchIndex)
        misses.append(miss)
        return miss
    }

    /// The recorded answer at `index`, adapted to the client's call and creation ids.
    static func hit(_ entries: [RecordedExchange], _ ids: [JMAPRequestIds?], _ storedAnswers: (@Sendable (Int) -> StoredAnswer?)?,
                    index: Int, shape: JMAPRequestShape?) -> Outcome {
        let answer = recordedAnswer(entries, storedAnswers, index: index)
        var bytes = answer.body ?? []
        if let shape, let recorded = ids[index] { bytes = shape.adapt(response: bytes, recorded: recorded) }
        return .hit(response: answer.head, body: bytes, seq: entries[index].seq)
    }

    /// The recorded response of the entry at `index`, from memory or from the file.
    static func recordedAnswer(_ entries: [RecordedExchange], _ storedAnswers: (@Sendable (Int) -> StoredAnswer?)?, index: Int) -> StoredAnswer {
        let e = entries[index]
        if e.responseBody == nil, let stored = storedAnswers?(index) { return stored }
        return StoredAnswer(head: e.response, body: e.responseBody)
    }
}
