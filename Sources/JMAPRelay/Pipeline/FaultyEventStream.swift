import RelayCore

/// An event stream read event by event so push faults can act on single `state` events:
/// drop one, send it twice, hold it back (a delay on the loop, never a sleep), or end the
/// stream after N. Other events pass re-serialised (comment lines are not kept). Used only
/// while an event-level rule is loaded.
final class FaultyEventStream: BodyTransform, @unchecked Sendable {
    // Owned by the loop carrying the stream.
    private var parser = ServerSentEventParser()
    private let decide: (ServerSentEvent) -> [FaultBook.Fired]
    private let onFault: (ServerSentEvent, FaultRule) -> Void
    private var stateEvents = 0
    private var ended = false

    /// - Parameters:
    ///   - decide: the rules that fire on one `state` event.
    ///   - onFault: called for each rule that fired (for the trace).
    init(decide: @escaping (ServerSentEvent) -> [FaultBook.Fired], onFault: @escaping (ServerSentEvent, FaultRule) -> Void) {
        self.decide = decide
        self.onFault = onFault
    }

    func transform(_ piece: ArraySlice<UInt8>) -> (segments: [(delayMs: Int, bytes: [UInt8])], end: Bool) {
        var segments: [(delayMs: Int, bytes: [UInt8])] = [(0, [])]
        for e in parser.feed(piece) where !ended {
            guard e.type == "state" else {
                segments[segments.count - 1].bytes += e.serialized()
                continue
            }
            let fired = decide(e)
            for f in fired { onFault(e, f.rule) }
            let effect = PushFaultEffect(fired.map(\.rule.action))
            if let cut = effect.cutAfter, stateEvents >= cut {
                ended = true
                break
            }
            stateEvents += 1
            if let cut = effect.cutAfter, stateEvents >= cut { ended = true }
            if effect.delayMs > 0 { segments.append((effect.delayMs, [])) }
            for _ in 0..<effect.copies { segments[segments.count - 1].bytes += e.serialized() }
        }
        return (segments, ended)
    }
}
