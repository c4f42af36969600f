import Foundation
import RelayCore

extension Pipeline {
    /// The relay's own API under `/_relay/` (the inspector, exchanges, events, HAR): answered
    /// here, never forwarded, loopback only. Every answer goes out with known credentials
    /// masked, whichever endpoint made it.
    func controlResponse(_ request: IncomingRequest) -> RelayResponse {
        var r = controlAnswer(request)
        r.body = ScrubbedBody.wrapping(r.body)
        return r
    }

    private func controlAnswer(_ request: IncomingRequest) -> RelayResponse {
        guard request.fromLoopback else {
            return .problem(.relay("control-forbidden", title: "Forbidden", status: 403,
                                   detail: "The control API answers only on loopback."))
        }
        let head = request.head
        let path = String(head.path)
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
            o["uptimeMs"] = .int(Int(elapsedMs))
            return .local(status: 200, contentType: "application/json", body: JSONValue.object(o).serialized())
        case ("GET", "/_relay/exchanges"):
            let since = head.query.flatMap { q in
                q.split(separator: "&").first { $0.hasPrefix("since=") }.flatMap { Int($0.dropFirst(6)) }
            } ?? 0
            let items = observers.recent(since: since).map(ExchangeJSON.summary)
            return .local(status: 200, contentType: "application/json", body: JSONValue.array(items).serialized())
        case ("GET", "/_relay/faults"):
            return .local(status: 200, contentType: "application/json", body: faults.json.serialized())
        case ("POST", "/_relay/faults"):
            return addFaults(request)
        case ("DELETE", "/_relay/faults"):
            faults.removeAll()
            return .local(status: 200, contentType: "application/json", body: faults.json.serialized())
        case ("DELETE", _) where path.hasPrefix("/_relay/faults/"):
            let id = String(path.dropFirst("/_relay/faults/".count))
            guard faults.remove(id: id) else {
                return .problem(.relay("not-found", title: "Not Found", status: 404, detail: "No fault rule '\(id)'. GET /_relay/faults lists them."))
            }
            return .local(status: 200, contentType: "application/json", body: faults.json.serialized())
        default:
            return .problem(.relay("not-found", title: "Not Found", status: 404,
                                   detail: "No control endpoint \(head.method) \(path). Try GET /_relay/status."))
        }
    }

    /// `POST /_relay/faults`: a spec line as text, or JSON — `{"spec": "…"}`, a rule object
    /// with the spec's keys, or an array of either. Answers 201 with the rules as now loaded.
    private func addFaults(_ request: IncomingRequest) -> RelayResponse {
        let rules: [FaultRule]
        do {
            let bytes = try request.body.readAll(limit: 1 << 20)
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if text.hasPrefix("{") || text.hasPrefix("[") {
                let v = try JSONParser.parse(bytes)
                rules = try (v.arrayValue ?? [v]).map { try FaultSpec.parse(json: $0) }
            } else {
                rules = try text.split(separator: "\n").map { try FaultSpec.parse(String($0)) }
            }
        } catch {
            return .problem(.relay("bad-fault", title: "Bad Request", status: 400, detail: "\(error)"))
        }
        var added: [JSONValue] = []
        for r in rules {
            let rule = faults.add(r)
            log.info("fault \(rule.id) added: \(rule.spec)")
            added.append(.object(JSONObject([("id", .string(rule.id)), ("spec", .string(rule.spec))])))
        }
        var o = faults.json.objectValue ?? JSONObject()
        o["added"] = .array(added)
        return .local(status: 201, contentType: "application/json", body: JSONValue.object(o).serialized())
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

    static func headers(_ h: HTTPHeaders) -> JSONValue {
        .array(h.fields.map { f in
            .array([.string(f.name.lowercased()), .string(Redactor.isSecretHeader(f.name) ? "***" : f.value)])
        })
    }

    static func body(_ b: [UInt8]) -> JSONValue {
        if let v = try? JSONParser.parse(b) { return v }
        return .object(["bytes": .int(b.count)])
    }
}
