/// A request the recording cannot answer, with the nearest recorded request and what differs.
public struct ReplayMiss: Sendable, Equatable {
    public var method: String
    public var target: String
    /// Method names of the request, if it was a JMAP call.
    public var jmapMethods: [String]
    /// The nearest recorded exchange's sequence number.
    public var nearestSeq: Int?
    /// The nearest recorded request (normalised JMAP, or method and target).
    public var nearest: JSONValue?
    /// Readable differences, one per line: `methodCalls[0][1].filter.inMailbox: recorded "a", got "b"`.
    public var diff: [String]

    /// Recorded requests with one matching key have one shape, so each key's shape is rebuilt
    /// from its recorded body and compared once.
    static func make(method: String, origin: Origin, target: String, shape: JMAPRequestShape?,
                     entries: [RecordedExchange], index: ReplayMatchIndex) -> ReplayMiss {
        let names = shape?.normalized["methodCalls"]?.arrayValue?.compactMap { $0[0]?.stringValue } ?? []
        let got = shape.map { flatten($0.normalized) }
        var closeness: [Int32: Int] = [:]
        var best: (score: Int, index: Int)?
        for (i, e) in entries.enumerated() where e.origin == origin && e.request.method == method {
            var score = e.request.target == target ? 10 : 0
            let recordedIsJMAP = index.ids[i] != nil
            if let got, recordedIsJMAP {
                let key = index.keyIDs[i]
                if let known = closeness[key] {
                    score += known
                } else {
                    let recorded = ReplayMatchIndex.shape(of: e).map { flatten($0.normalized) } ?? [:]
                    let c = 100 - min(100, symmetricDifference(got, recorded))
                    closeness[key] = c
                    score += c
                }
            } else if got == nil, !recordedIsJMAP {
                score += commonPrefix(e.request.target, target)
            }
            if best == nil || score > best!.score { best = (score, i) }
        }
        guard let b = best else {
            return ReplayMiss(method: method, target: target, jmapMethods: names, nearestSeq: nil, nearest: nil,
                              diff: ["no recorded \(method) request at this origin"])
        }
        let e = entries[b.index]
        var diff: [String] = []
        if e.request.target != target { diff.append("target: recorded \(e.request.target), got \(target)") }
        let nearestShape = index.ids[b.index] == nil ? nil : ReplayMatchIndex.shape(of: e)
        if let got, let s = nearestShape {
            let recorded = flatten(s.normalized)
            for (path, v) in recorded.sorted(by: { $0.key < $1.key }) where got[path] != v {
                diff.append("\(path): recorded \(v), got \(got[path] ?? "(absent)")")
            }
            for (path, v) in got.sorted(by: { $0.key < $1.key }) where recorded[path] == nil {
                diff.append("\(path): recorded (absent), got \(v)")
            }
        }
        let nearest: JSONValue = nearestShape?.normalized ?? ["method": .string(e.request.method), "target": .string(e.request.target)]
        return ReplayMiss(method: method, target: target, jmapMethods: names, nearestSeq: e.seq, nearest: nearest,
                          diff: Array(diff.prefix(50)))
    }

    /// The `application/problem+json` answer for the client.
    public var problem: ProblemDetails {
        var extra = JSONObject()
        if let s = nearestSeq { extra["nearestSeq"] = .int(s) }
        if let n = nearest { extra["nearest"] = n }
        extra["diff"] = .array(diff.map { .string($0) })
        let what = jmapMethods.isEmpty ? "\(method) \(target)" : jmapMethods.joined(separator: ",")
        return .relay("replay-miss", title: "Not in the recording", status: 500,
                      detail: "The recording has no answer for \(what). Nearest recorded request: "
                        + (nearestSeq.map { "#\($0)" } ?? "none") + ".", extra: extra)
    }

    /// `path → value text` for every leaf.
    static func flatten(_ v: JSONValue, prefix: String = "", into out: inout [String: String]) {
        switch v {
        case .object(let o):
            if o.isEmpty { out[prefix] = "{}" }
            for (k, x) in o { flatten(x, prefix: prefix.isEmpty ? k : "\(prefix).\(k)", into: &out) }
        case .array(let a):
            if a.isEmpty { out[prefix] = "[]" }
            for (i, x) in a.enumerated() { flatten(x, prefix: "\(prefix)[\(i)]", into: &out) }
        default:
            out[prefix] = v.serializedString()
        }
    }

    static func flatten(_ v: JSONValue) -> [String: String] {
        var out: [String: String] = [:]
        flatten(v, into: &out)
        return out
    }

    static func symmetricDifference(_ a: [String: String], _ b: [String: String]) -> Int {
        a.filter { b[$0.key] != $0.value }.count + b.filter { a[$0.key] == nil }.count
    }

    static func commonPrefix(_ a: String, _ b: String) -> Int { zip(a, b).prefix { $0 == $1 }.count }
}
