import Foundation
import RelayCore

/// An event stream read event by event so push faults can act on single `state` events:
/// drop one, send it twice, hold it back, or end the stream after N. Other events pass
/// re-serialised (comment lines are not kept). Used only while an event-level rule is loaded.
final class FaultyEventStream: BodySource, @unchecked Sendable {
    // Owned by the thread writing the response.
    private let inner: any BodySource
    private var parser = ServerSentEventParser()
    private let decide: (ServerSentEvent) -> [FaultBook.Fired]
    private let onFault: (ServerSentEvent, FaultRule) -> Void
    private var stateEvents = 0
    private var ended = false

    /// - Parameters:
    ///   - decide: the rules that fire on one `state` event.
    ///   - onFault: called for each rule that fired (for the trace).
    init(_ inner: any BodySource, decide: @escaping (ServerSentEvent) -> [FaultBook.Fired],
         onFault: @escaping (ServerSentEvent, FaultRule) -> Void) {
        self.inner = inner
        self.decide = decide
        self.onFault = onFault
    }

    var knownLength: Int? { nil }

    func read() throws -> ArraySlice<UInt8>? {
        while !ended {
            guard let piece = try inner.read() else { return nil }
            var out: [UInt8] = []
            for e in parser.feed(piece) where !ended {
                guard e.type == "state" else {
                    out += e.serialized()
                    continue
                }
                out += apply(e)
            }
            if !out.isEmpty { return out[...] }
        }
        return nil
    }

    /// The bytes one `state` event becomes.
    private func apply(_ e: ServerSentEvent) -> [UInt8] {
        let fired = decide(e)
        for f in fired { onFault(e, f.rule) }
        let effect = PushFaultEffect(fired.map(\.rule.action))
        if effect.delayMs > 0 { Thread.sleep(forTimeInterval: Double(effect.delayMs) / 1000) }
        let copies = effect.copies
        let cut = effect.cutAfter
        if let cut, stateEvents >= cut {
            ended = true
            return []
        }
        stateEvents += 1
        if let cut, stateEvents >= cut { ended = true }
        return Array(repeating: e.serialized(), count: copies).flatMap { $0 }
    }
}
