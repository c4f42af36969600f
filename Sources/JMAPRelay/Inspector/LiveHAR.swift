import Foundation
import RelayCore

/// `GET /_relay/export.har`: the exchanges in the ring as HAR 1.2, through the same pure
/// `HARExporter` as recordings. The ring holds the client's view (URLs on the relay, the
/// rewritten session) and keeps bodies only where the relay read them (API calls, the
/// session); other bodies were streamed, so only their sizes are exported, and the log's
/// comment says so.
enum LiveHAR {
    static let comment = "Exported live from jmap-relay's ring of recent exchanges, as the client saw them. "
        + "Bodies are kept only for JMAP API calls and the session; other bodies were streamed, so only "
        + "their sizes are known. The relay's own /_relay/ requests are left out."

    /// The document for `exchanges`; `startedAtMs` is the wall-clock time the relay started.
    static func document(_ exchanges: [Exchange], relayBase: Origin, startedAtMs: Int, creatorVersion: String) -> JSONValue {
        let shown = exchanges.filter(ExchangeEventStream.isShown)
        let exporter = HARExporter(creatorVersion: creatorVersion)
        let created = ISOTimestamp.format(msSinceEpoch: startedAtMs)
        var har = exporter.har(shown.map { recorded($0, relayBase: relayBase) }, created: created, comment: comment)
        guard case .object(var log)? = har["log"], case .array(var entries)? = log["entries"] else { return har }
        for (i, e) in shown.enumerated() where i < entries.count {
            entries[i] = annotated(entries[i], e)
        }
        log["entries"] = .array(entries)
        har["log"] = .object(log)
        return har
    }

    /// An exchange in the shape the exporter takes; the relay is the origin the client saw.
    static func recorded(_ e: Exchange, relayBase: Origin) -> RecordedExchange {
        RecordedExchange(
            seq: e.seq, tMs: Int(e.startMs), durationMs: Int(e.durationMs.rounded()), kind: e.kind, origin: relayBase,
            request: e.request, requestBody: e.requestBody, response: e.response ?? HTTPResponseHead(status: 0, reason: ""),
            responseBody: e.responseBody)
    }

    /// Sizes of bodies that were not kept, the relay's error and faults, as HAR allows (`_` keys).
    static func annotated(_ entry: JSONValue, _ e: Exchange) -> JSONValue {
        guard case .object(var o) = entry else { return entry }
        if e.responseBody == nil, e.responseBytes > 0, case .object(var res)? = o["response"],
            case .object(var content)? = res["content"]
        {
            content["size"] = .int(e.responseBytes)
            content["comment"] = "body streamed, not kept"
            res["content"] = .object(content)
            res["bodySize"] = .int(e.responseBytes)
            o["response"] = .object(res)
        }
        if e.requestBody == nil, e.requestBytes > 0, case .object(var req)? = o["request"] {
            req["bodySize"] = .int(e.requestBytes)
            o["request"] = .object(req)
        }
        if let err = e.error { o["_error"] = .string(err) }
        if !e.faults.isEmpty { o["_faults"] = .array(e.faults.map { .string($0) }) }
        return .object(o)
    }
}
