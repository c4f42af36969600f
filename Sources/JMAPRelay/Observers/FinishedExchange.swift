import RelayCore

/// An exchange once its response went out: the draft and how the response ended. The ring of
/// recent exchanges keeps these and builds an `Exchange` only when someone asks (the control
/// API, the inspector, an observer): most exchanges are never looked at.
struct FinishedExchange: Sendable {
    /// No longer changed once finished.
    let draft: ExchangeDraft
    let response: HTTPResponseHead?
    let bytesSent: Int
    let durationMs: Double

    var seq: Int { draft.seq }

    var exchange: Exchange {
        Exchange(
            seq: draft.seq, startMs: draft.startMs, durationMs: durationMs, kind: draft.kind, request: draft.request,
            requestBody: draft.requestBody, requestBytes: draft.requestBody?.count ?? 0, response: response,
            responseBody: draft.responseBody, responseBytes: bytesSent, faults: draft.faults, error: draft.error,
            origin: draft.origin)
    }
}
