import RelayCore

/// Push faults on a WebSocket (RFC 8887): the server's frames are read whole, and a
/// `StateChange` message in a single frame is dropped, sent twice, held back, or ends the
/// connection after N of them. Other frames pass (re-serialised, unchanged in meaning). Used
/// only while an event-level rule is loaded; called on the loop relaying the server's bytes
/// to the client. A delay holds the frame back (and what follows it) on the loop.
final class WebSocketPushFaults: BodyTransform, @unchecked Sendable {
    // Owned by the loop carrying the tunnel.
    private var parser = WebSocketFrameParser()
    private var passThrough = false
    private var stateChanges = 0
    private let decide: () -> [FaultBook.Fired]
    private let onFault: ([UInt8], FaultRule) -> Void

    /// - Parameters:
    ///   - decide: the rules that fire on one StateChange.
    ///   - onFault: called with the message for each rule that fired (for the trace).
    init(decide: @escaping () -> [FaultBook.Fired], onFault: @escaping ([UInt8], FaultRule) -> Void) {
        self.decide = decide
        self.onFault = onFault
    }

    func transform(_ bytes: ArraySlice<UInt8>) -> (segments: [(delayMs: Int, bytes: [UInt8])], end: Bool) {
        if passThrough { return ([(0, Array(bytes))], false) }
        parser.append(bytes)
        var segments: [(delayMs: Int, bytes: [UInt8])] = [(0, [])]
        do {
            while let frame = try parser.next() {
                guard frame.opcode == .text, frame.fin, Self.isStateChange(frame.payload) else {
                    frame.write(into: &segments[segments.count - 1].bytes)
                    continue
                }
                let (copies, delayMs, end) = apply(frame.payload)
                if delayMs > 0 { segments.append((delayMs, [])) }
                for _ in 0..<copies { frame.write(into: &segments[segments.count - 1].bytes) }
                if end { return (segments, true) }
            }
        } catch {
            // A framing error: the stream is beyond reading; pass the rest as it comes.
            passThrough = true
            segments[segments.count - 1].bytes += bytes
        }
        return (segments, false)
    }

    private func apply(_ message: [UInt8]) -> (copies: Int, delayMs: Int, end: Bool) {
        let fired = decide()
        for f in fired { onFault(message, f.rule) }
        let effect = PushFaultEffect(fired.map(\.rule.action))
        let cut = effect.cutAfter
        if let cut, stateChanges >= cut { return (0, 0, true) }
        stateChanges += 1
        return (effect.copies, effect.delayMs, cut.map { stateChanges >= $0 } ?? false)
    }

    static func isStateChange(_ payload: [UInt8]) -> Bool {
        (try? JSONParser.parse(payload))?["@type"]?.stringValue == "StateChange"
    }
}
