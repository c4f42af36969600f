import RelayCore

/// What `Pipeline.prepare` decides about a request.
enum Prepared: Sendable {
    /// The answer is known without the upstream (control API, refusal, fault).
    case reply(RelayReply)
    /// The request must go upstream; `Pipeline.complete` turns the answer into the reply.
    case forward(ForwardPlan)
}

/// A request ready to go upstream, with what `Pipeline.complete` needs to answer the client.
/// Whoever runs the I/O (a connection's thread or an event loop) sends `request` and hands
/// the outcome back; the pipeline does not know which.
struct ForwardPlan: Sendable {
    /// The exchange so far.
    var draft: ExchangeDraft
    /// The request as it goes upstream.
    var request: UpstreamRequest
    /// Whether the client asked to switch protocols.
    var upgrading: Bool
    /// Faults that act on the answer.
    var faultPlan: FaultPlan

    /// Whether the answer may be a stream that never ends or a tunnel, which only a
    /// thread of its own can serve.
    var mayStream: Bool {
        upgrading || draft.kind == .eventSource || draft.kind == .webSocket
            || Pipeline.isEventStreamRequest(draft.request, kind: draft.kind)
    }
}
