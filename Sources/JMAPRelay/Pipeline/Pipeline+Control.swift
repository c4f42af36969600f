import RelayCore

extension Pipeline {
    /// The relay's own API under `/_relay/`: answered here, never forwarded, loopback only.
    func controlResponse(_ request: IncomingRequest) -> RelayResponse {
        guard request.fromLoopback else {
            return .problem(.relay("control-forbidden", title: "Forbidden", status: 403,
                                   detail: "The control API answers only on loopback."))
        }
        let head = request.head
        let path = String(head.path)
        if let refusal = crossOriginRefusal(head) { return refusal }
        switch (head.method, path) {
        case ("GET", "/_relay"), ("GET", "/_relay/"):
            return inspectorPageResponse()
        case ("GET", "/_relay/events"):
            return eventStreamResponse()
        case ("GET", "/_relay/export.har"):
            return exportHARResponse()
        case ("GET", "/_relay/status"):
            var o = JSONObject()
            o["relay"] = .string(RelayVersion.string)
            o["upstream"] = .string(config.upstream ?? "")
            o["origins"] = .array(routing.origins.map { .string($0.httpBase) })
            o["exchanges"] = .int(sequence)
            o["uptimeMs"] = .int(Int(MonotonicClock.ms(from: startNanos)))
            return .local(status: 200, contentType: "application/json", body: JSONValue.object(o).serialized())
        case ("GET", "/_relay/exchanges"):
            let since = head.query.flatMap { q in
                q.split(separator: "&").first { $0.hasPrefix("since=") }.flatMap { Int($0.dropFirst(6)) }
            } ?? 0
            let items = observers.recent(since: since).map(ExchangeJSON.summary)
            return .local(status: 200, contentType: "application/json", body: JSONValue.array(items).serialized())
        default:
            return .problem(.relay("not-found", title: "Not Found", status: 404,
                                   detail: "No control endpoint \(head.method) \(path). Try GET /_relay/status."))
        }
    }

    /// Exchanges numbered so far.
    var sequence: Int { sequenceValue() }
}

/// The version the relay reports.
public enum RelayVersion {
    public static let string = "jmap-relay 0.1.0"
}

/// Exchanges as JSON for the control API; headers that carry secrets are redacted.
enum ExchangeJSON {
    static func summary(_ e: Exchange) -> JSONValue {
        var o = JSONObject()
        o["seq"] = .int(e.seq)
        o["startMs"] = .double((e.startMs * 10).rounded() / 10)
        o["ms"] = .double((e.durationMs * 100).rounded() / 100)
        o["endpoint"] = .string(e.kind.rawValue)
        o["method"] = .string(e.request.method)
        o["target"] = .string(e.request.target)
        o["status"] = e.response.map { .int($0.status) } ?? .null
        o["requestHeaders"] = headers(e.request.headers)
        if let r = e.response { o["responseHeaders"] = headers(r.headers) }
        if let b = e.requestBody { o["requestBody"] = body(b) }
        if let b = e.responseBody { o["responseBody"] = body(b) }
        o["requestBytes"] = .int(e.requestBytes)
        o["responseBytes"] = .int(e.responseBytes)
        if !e.faults.isEmpty { o["faults"] = .array(e.faults.map { .string($0) }) }
        if let err = e.error { o["error"] = .string(err) }
        return .object(o)
    }

    static let secretHeaders: Set<String> = ["authorization", "cookie", "set-cookie", "proxy-authorization"]

    static func headers(_ h: HTTPHeaders) -> JSONValue {
        .array(h.fields.map { f in
            let n = f.name.lowercased()
            let secret = secretHeaders.contains(n) || (n.hasPrefix("x-") && n.hasSuffix("-token"))
            return .array([.string(n), .string(secret ? "***" : f.value)])
        })
    }

    static func body(_ b: [UInt8]) -> JSONValue {
        if let v = try? JSONParser.parse(b) { return v }
        return .object(["bytes": .int(b.count)])
    }
}
