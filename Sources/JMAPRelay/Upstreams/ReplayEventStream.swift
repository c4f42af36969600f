import RelayCore

/// An EventSource stream served from a recording: recorded `state` events as they become due,
/// filtered by `types`, ended after the first one for `closeafter=state`, with a `ping` event
/// whenever the requested interval passes in silence (RFC 8620 §7.3).
final class ReplayEventStream: PushedBody, PushListener, @unchecked Sendable {
    // Immutable; what is sent goes through `PushedBody`'s lock.
    private let options: PushSubscriptionOptions

    let transport = RecordedPush.Transport.eventSource

    init(options: PushSubscriptionOptions) { self.options = options }

    override var heartbeat: (interval: Duration, bytes: [UInt8])? {
        guard options.pingSeconds > 0 else { return nil }
        let ping = ServerSentEvent(event: "ping", data: #"{"interval":\#(options.pingSeconds)}"#)
        return (.seconds(options.pingSeconds), ping.serialized())
    }

    func deliver(_ push: RecordedPush) {
        guard let event = push.event, let kept = options.filter(event) else { return }
        let data = kept == event ? String(decoding: push.payload, as: UTF8.self) : kept.serializedString()
        emit(ServerSentEvent(event: "state", data: data, id: push.eventId).serialized())
        if options.closeAfterState { finish() }
    }

    func end() { finish() }
}
