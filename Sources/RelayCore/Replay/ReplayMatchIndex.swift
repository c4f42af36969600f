/// What the matcher keeps per recorded exchange: the queue its request falls in and the
/// client's names in that request. A request's full shape is rebuilt from its body only to
/// explain a miss, so a long recording does not hold one normalised tree per request.
struct ReplayMatchIndex: Sendable {
    /// Each entry's matching key, as a number shared by entries with the same key.
    let keyIDs: [Int32]
    /// The client's names in each entry's request; nil when it is not a JMAP request.
    let ids: [JMAPRequestIds?]
    /// - Parameter queues: receives the entries by matching key, in recorded order.
    init(entries: [RecordedExchange], queues: inout [String: [Int]]) {
        var keyIDs: [Int32] = []
        var ids: [JMAPRequestIds?] = []
        keyIDs.reserveCapacity(entries.count)
        ids.reserveCapacity(entries.count)
        var idOfKey: [String: Int32] = [:]
        // A client often sends the very same bytes again; they are normalised once.
        var known: [[UInt8]: (key: String, ids: JMAPRequestIds)?] = [:]
        for (i, e) in entries.enumerated() {
            var shape: (key: String, ids: JMAPRequestIds)?
            if Self.isJMAP(e), let body = e.requestBody {
                if let seen = known[body] {
                    shape = seen
                } else {
                    shape = JMAPRequestShape(body: body).map { ($0.key, $0.ids) }
                    known[body] = shape
                }
            }
            let k = ReplayMatcher.key(e.request.method, e.origin, e.request.target, shape?.key)
            let id = idOfKey[k] ?? {
                let n = Int32(idOfKey.count)
                idOfKey[k] = n
                return n
            }()
            keyIDs.append(id)
            ids.append(shape?.ids)
            queues[k, default: []].append(i)
        }
        self.keyIDs = keyIDs
        self.ids = ids
    }

    /// Whether an entry's request is matched on its JMAP shape.
    static func isJMAP(_ e: RecordedExchange) -> Bool { e.kind == .api || e.kind == .webSocket }

    /// The full shape of an entry's request, rebuilt from its body.
    static func shape(of e: RecordedExchange) -> JMAPRequestShape? {
        isJMAP(e) ? e.requestBody.flatMap { JMAPRequestShape(body: $0) } : nil
    }
}
