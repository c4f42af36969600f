import RelayCore

/// What `Pipeline.prepare` decides about a request.
enum Prepared: Sendable {
    /// The answer is known without the upstream (control API, refusal, fault); it goes out
    /// after `delayMs` (a delay fault).
    case reply(RelayReply, delayMs: Int = 0)
    /// The request must go upstream (after `faultPlan.requestDelayMs`); `Pipeline.complete`
    /// turns the answer into the reply.
    case forward(ForwardPlan)
}

/// A request ready to go upstream, with what `Pipeline.complete` needs to answer the client.
/// The event loop sends `request` (or asks the `Upstream` for an answer from memory) and
/// hands the outcome back. A reference, handed from step to step
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
    /// Goes to the network whatever the upstream is (a push forwarded to a client's own URL).
    let direct: Bool

    init(draft: ExchangeDraft, request: UpstreamRequest, upgrading: Bool, faultPlan: FaultPlan, direct: Bool = false) {
        self.draft = draft
        self.request = request
        self.upgrading = upgrading
        self.faultPlan = faultPlan
        self.direct = direct
    }
}
