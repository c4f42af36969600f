import Foundation
import RelayCore

extension Pipeline {
    /// `GET /_relay/`: the inspector page. Its policy lets it talk only to the relay itself
    /// (images only from `data:`, its icon) and keeps it out of other sites' frames.
    func inspectorPageResponse() -> RelayResponse {
        .local(status: 200, contentType: "text/html; charset=utf-8", body: Array(InspectorPage.html.utf8),
               extraHeaders: [
                   "Cache-Control": "no-store", "X-Frame-Options": "DENY",
                   "Content-Security-Policy":
                       "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
               ])
    }

    /// `GET /_relay/events`: recent exchanges, then each new one, as server-sent events. The
    /// stream is subscribed before the response is written, so an exchange that finishes after
    /// the client has read the first bytes is always delivered.
    func eventStreamResponse() -> RelayResponse {
        let stream = ExchangeEventStream()
        // Subscribe first, then take the ring, so that no exchange falls between the two.
        let id = observers.subscribe { stream.push($0) }
        stream.prime(with: observers.recent(since: 0))
        var r = RelayResponse(head: HTTPResponseHead(status: 200), body: stream)
        r.head.headers.add("Content-Type", "text/event-stream")
        r.head.headers.add("Cache-Control", "no-store")
        r.completion = { [observers] _ in
            observers.unsubscribe(id)
            stream.finish()
        }
        return r
    }

    /// `GET /_relay/export.har`: the ring as HAR 1.2.
    func exportHARResponse() -> RelayResponse {
        let startedAtMs = Int((Date().timeIntervalSince1970 * 1000).rounded() - elapsedMs)
        let version = RelayVersion.string.replacingOccurrences(of: "jmap-relay ", with: "")
        let doc = LiveHAR.document(observers.recent(since: 0), relayBase: rewriter.relayBase, startedAtMs: startedAtMs,
                                   creatorVersion: version)
        return .local(status: 200, contentType: "application/json", body: doc.prettySerialized(),
                      extraHeaders: ["Content-Disposition": "attachment; filename=\"jmap-relay.har\""])
    }
}
