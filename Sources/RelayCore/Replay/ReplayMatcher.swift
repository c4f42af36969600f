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

    private let entries: [RecordedExchange]
    private let shapes: [JMAPRequestShape?]
    private var queues: [String: [Int]] = [:]
    private var lastServed: [String: Int] = [:]
    private var used = Set<Int>()
    /// Every miss so far.
    public private(set) var misses: [ReplayMiss] = []

    public init(recording: Recording) {
        entries = recording.exchanges
        shapes = entries.map { e in e.kind == .api ? e.requestBody.flatMap { JMAPRequestShape(body: $0) } : nil }
        for (i, e) in entries.enumerated() {
            queues[Self.key(e.request.method, e.origin, e.request.target, shapes[i]), default: []].append(i)
        }
    }

    /// Sequence numbers of recorded exchanges never served.
    public var unusedSeqs: [Int] { entries.indices.filter { !used.contains($0) }.map { entries[$0].seq } }

    static func key(_ method: String, _ origin: Origin, _ target: String, _ shape: JMAPRequestShape?) -> String {
        if let shape { return "\(method) \(origin) \(target) \(shape.key)" }
        return "\(method) \(origin) \(target)"
    }

    /// The answer to a request.
    public mutating func answer(origin: Origin, head: HTTPRequestHead, body: [UInt8]) -> Outcome {
        let shape = head.method == "POST" ? JMAPRequestShape(body: body) : nil
        let k = Self.key(head.method, origin, head.target, shape)
        let index: Int
        if var q = queues[k], !q.isEmpty {
            index = q.removeFirst()
            queues[k] = q
            lastServed[k] = index
        } else if let last = lastServed[k] {
            index = last
        } else {
            let miss = ReplayMiss.make(method: head.method, origin: origin, target: head.target, shape: shape,
                                       entries: entries, shapes: shapes)
            misses.append(miss)
            return .miss(miss)
        }
        used.insert(index)
        let e = entries[index]
        var bytes = e.responseBody ?? []
        if let shape, let recorded = shapes[index] { bytes = shape.adapt(response: bytes, recorded: recorded) }
        return .hit(response: e.response, body: bytes, seq: e.seq)
    }
}
