import Foundation
import RelayCore

/// Push faults on a WebSocket (RFC 8887): the server's frames are read whole, and a
/// `StateChange` message in a single frame is dropped, sent twice, held back, or ends the
/// connection after N of them. Other frames pass (re-serialised, unchanged in meaning). Used
/// only while an event-level rule is loaded; called from the one thread relaying the server's
/// bytes to the client.
final class WebSocketPushFaults: TunnelFilter, @unchecked Sendable {
    // Owned by the upstream-to-client thread.
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

    func upstreamBytes(_ bytes: ArraySlice<UInt8>) -> (forward: [UInt8], end: Bool) {
        if passThrough { return (Array(bytes), false) }
        parser.append(bytes)
        var out: [UInt8] = []
        do {
            while let frame = try parser.next() {
                guard frame.opcode == .text, frame.fin, Self.isStateChange(frame.payload) else {
                    frame.write(into: &out)
                    continue
                }
                let (copies, end) = apply(frame.payload)
                for _ in 0..<copies { frame.write(into: &out) }
                if end { return (out, true) }
            }
        } catch {
            // A framing error: the stream is beyond reading; pass the rest as it comes.
            passThrough = true
            out += bytes
        }
        return (out, false)
    }

    private func apply(_ message: [UInt8]) -> (copies: Int, end: Bool) {
        let fired = decide()
        for f in fired { onFault(message, f.rule) }
        let effect = PushFaultEffect(fired.map(\.rule.action))
        if effect.delayMs > 0 { Thread.sleep(forTimeInterval: Double(effect.delayMs) / 1000) }
        let copies = effect.copies
        let cut = effect.cutAfter
        if let cut, stateChanges >= cut { return (0, true) }
        stateChanges += 1
        return (copies, cut.map { stateChanges >= $0 } ?? false)
    }

    static func isStateChange(_ payload: [UInt8]) -> Bool {
        (try? JSONParser.parse(payload))?["@type"]?.stringValue == "StateChange"
    }
}
