extension ReplayMatcher {
    /// What a WebSocket `Request` is answered with: a `Response` (or recorded `RequestError`)
    /// carrying the client's own request id and call ids, and the recorded `seq` it came from.
    public enum WebSocketOutcome: Sendable {
        case hit(response: JSONValue, seq: Int)
        case miss(ReplayMiss)
    }

    /// The pseudo method and target under which `ws` lines are matched.
    static let webSocketMethod = "WS"
    static let webSocketTarget = "jmap"

    /// A recorded WebSocket pair as a matcher entry.
    static func entry(_ p: RecordedWebSocketPair, origin: Origin) -> RecordedExchange {
        RecordedExchange(
            seq: p.seq, tMs: p.tMs, durationMs: 0, kind: .webSocket, origin: origin,
            request: HTTPRequestHead(method: webSocketMethod, target: webSocketTarget), requestBody: p.request.serialized(),
            response: HTTPResponseHead(status: 200), responseBody: p.response.serialized())
    }

    /// Answers a JMAP `Request` sent over a WebSocket: first from recorded WebSocket pairs, then
    /// from recorded HTTP API exchanges with the same request shape (a client may switch
    /// transports between recording and replay).
    /// - Parameters:
    ///   - request: the `Request` object's bytes.
    ///   - apiEndpoints: origin and target of the recorded API endpoint(s) to try.
    public mutating func answerWebSocket(_ request: [UInt8], apiEndpoints: [(Origin, String)]) -> WebSocketOutcome {
        let id = (try? JSONParser.parse(request))?["id"] ?? .null
        guard let shape = JMAPRequestShape(body: request) else {
            let miss = ReplayMiss(method: Self.webSocketMethod, target: Self.webSocketTarget, jmapMethods: [],
                                  nearestSeq: nil, nearest: nil, diff: ["not a JMAP Request"])
            misses.append(miss)
            return .miss(miss)
        }
        let origin = apiEndpoints.first?.0 ?? Origin(secure: false, host: "localhost")
        var candidates = [Self.key(Self.webSocketMethod, origin, Self.webSocketTarget, shape.key)]
        let shapeKey = shape.key
        candidates += apiEndpoints.map { Self.key("POST", $0.0, $0.1, shapeKey) }
        for k in candidates {
            guard let index = take(k) else { continue }
            let e = entries[index]
            var v = (try? JSONParser.parse(shape.adapt(response: Self.recordedAnswer(entries, storedAnswers, index: index).body ?? [], recorded: matchIndex.ids[index] ?? shape.ids)))
                ?? .object([:])
            if v["@type"] == nil { v["@type"] = "Response" }
            v["requestId"] = id
            return .hit(response: v, seq: e.seq)
        }
        let (o, t) = apiEndpoints.first ?? (origin, Self.webSocketTarget)
        var miss = ReplayMiss.make(method: "POST", origin: o, target: t, shape: shape, entries: entries, index: matchIndex)
        miss.method = Self.webSocketMethod
        misses.append(miss)
        return .miss(miss)
    }

    /// Origins and targets of the recorded API exchanges, most used first.
    public var apiEndpoints: [(Origin, String)] {
        var counts: [String: (Origin, String, Int)] = [:]
        for e in entries where e.kind == .api {
            let k = "\(e.origin) \(e.request.target)"
            counts[k] = (e.origin, e.request.target, (counts[k]?.2 ?? 0) + 1)
        }
        return counts.values.sorted { $0.2 > $1.2 }.map { ($0.0, $0.1) }
    }
}
