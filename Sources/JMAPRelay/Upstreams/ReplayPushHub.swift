import RelayCore

/// Hands recorded pushes to whoever listens in a replay, at their causal place: a push becomes
/// due when the client repeats the request recorded before it (`ReplayPushSchedule`) and goes
/// to the open listeners of its transport, or to the next one that opens. Webhook pushes go
/// to the URL the client gave in its replayed `PushSubscription/set` for the same token.
final class ReplayPushHub: Sendable {
    private struct Weak {
        weak var listener: (any PushListener)?
    }

    private struct State {
        var schedule: ReplayPushSchedule
        var listeners: [Weak] = []
        /// Recorded callback token → the client's URL in this replay.
        var webhookURLs: [String: String] = [:]
        var stopped = false
    }

    private let state: Locked<State>
    private let postWebhook: @Sendable (_ push: RecordedPush, _ url: String) -> Void

    /// - Parameters:
    ///   - pushes: the recording's push lines.
    ///   - postWebhook: queues one webhook push (it must not block; pushes go out in the order given).
    init(pushes: [RecordedPush], postWebhook: @escaping @Sendable (RecordedPush, String) -> Void) {
        state = Locked(State(schedule: ReplayPushSchedule(pushes: pushes)))
        self.postWebhook = postWebhook
    }

    /// The recorded exchange (or WebSocket pair) `seq` answered a request.
    func served(seq: Int) {
        flush { $0.schedule.served(seq: seq) }
    }

    /// Starts delivering to `listener`.
    func add(_ listener: any PushListener) {
        let stopped = state.withLock { s -> Bool in
            if !s.stopped { s.listeners.append(Weak(listener: listener)) }
            return s.stopped
        }
        if stopped { listener.end() } else { flush { _ in } }
    }

    /// Stops delivering to `listener`.
    func remove(_ listener: any PushListener) {
        state.withLock { s in s.listeners.removeAll { $0.listener == nil || $0.listener === listener } }
    }

    /// The client's callback URL for a recorded token.
    func learn(token: String, url: String) {
        flush { $0.webhookURLs[token] = url }
    }

    /// The client's callback URL for a recorded token, once learnt.
    func url(for token: String) -> String? { state.withLock { $0.webhookURLs[token] } }

    /// Ends every listener (the relay is stopping).
    func shutdown() {
        let all = state.withLock { s -> [any PushListener] in
            s.stopped = true
            defer { s.listeners = [] }
            return s.listeners.compactMap(\.listener)
        }
        for l in all { l.end() }
    }

    /// Changes the state, then delivers what became deliverable.
    private func flush(_ change: (inout State) -> Void) {
        var deliveries: [(any PushListener, [RecordedPush])] = []
        var hooks: [(RecordedPush, String)] = []
        state.withLock { s in
            change(&s)
            s.listeners.removeAll { $0.listener == nil }
            let live = s.listeners.compactMap(\.listener)
            for t in [RecordedPush.Transport.eventSource, .webSocket] {
                let open = live.filter { $0.transport == t }
                guard !open.isEmpty else { continue }
                let due = s.schedule.take(t)
                if !due.isEmpty { deliveries += open.map { ($0, due) } }
            }
            let urls = s.webhookURLs
            hooks = s.schedule.take(.webhook) { p in p.token.flatMap { urls[$0] } != nil }
                .map { ($0, urls[$0.token!]!) }
        }
        for (l, ps) in deliveries { for p in ps { l.deliver(p) } }
        for (p, url) in hooks { postWebhook(p, url) }
    }
}
