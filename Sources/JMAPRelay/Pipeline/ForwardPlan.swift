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
/// the outcome back; the pipeline does not know which. A reference, handed from step to step
/// (one owner at a time), so the loop's connections pass it on without copying it.
final class ForwardPlan: @unchecked Sendable {
    /// The exchange so far.
    let draft: ExchangeDraft
    /// The request as it goes upstream (its body is replaced by a fresh copy when sent).
    var request: UpstreamRequest
    /// Whether the client asked to switch protocols.
    let upgrading: Bool
    /// Faults that act on the answer.
    let faultPlan: FaultPlan

    init(draft: ExchangeDraft, request: UpstreamRequest, upgrading: Bool, faultPlan: FaultPlan) {
        self.draft = draft
        self.request = request
        self.upgrading = upgrading
        self.faultPlan = faultPlan
    }

    /// Whether the answer may be a stream that never ends or a tunnel, which only a
    /// thread of its own can serve.
    var mayStream: Bool {
        upgrading || draft.kind == .eventSource || draft.kind == .webSocket
            || Pipeline.isEventStreamRequest(draft.request, kind: draft.kind)
    }
}
