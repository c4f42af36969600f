import Foundation
import RelayCore

/// An EventSource stream served from a recording: recorded `state` events as they become due,
/// filtered by `types`, ended after the first one for `closeafter=state`, with a `ping` event
/// whenever the requested interval passes in silence (RFC 8620 §7.3).
final class ReplayEventStream: BodySource, PushListener, @unchecked Sendable {
    // The queue is guarded by `condition`; `read` is called by the one writing thread.
    private let options: PushSubscriptionOptions
    private let condition = NSCondition()
    private var queue: [[UInt8]] = []
    private var ended = false

    let transport = RecordedPush.Transport.eventSource

    init(options: PushSubscriptionOptions) { self.options = options }

    var knownLength: Int? { nil }

    func deliver(_ push: RecordedPush) {
        guard let event = push.event, let kept = options.filter(event) else { return }
        let data = kept == event ? String(decoding: push.payload, as: UTF8.self) : kept.serializedString()
        let bytes = ServerSentEvent(event: "state", data: data, id: push.eventId).serialized()
        condition.lock()
        defer { condition.unlock() }
        guard !ended else { return }
        queue.append(bytes)
        if options.closeAfterState { ended = true }
        condition.signal()
    }

    func end() {
        condition.lock()
        ended = true
        condition.signal()
        condition.unlock()
    }

    func read() throws -> ArraySlice<UInt8>? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty, !ended {
            if options.pingSeconds > 0 {
                if !condition.wait(until: Date(timeIntervalSinceNow: Double(options.pingSeconds))), queue.isEmpty, !ended {
                    let ping = ServerSentEvent(event: "ping", data: #"{"interval":\#(options.pingSeconds)}"#)
                    return ping.serialized()[...]
                }
            } else {
                condition.wait()
            }
        }
        return queue.isEmpty ? nil : queue.removeFirst()[...]
    }
}
