import RelayCore

/// The body of `GET /_relay/events`: a never-ending `text/event-stream` that starts with the
/// recent exchanges and then carries each new one as a `data:` line (the control API's JSON
/// for an exchange), pushed to the client's loop as it happens. A comment goes out after
/// `heartbeatSeconds` of silence, so a client that left is noticed at the next write; the
/// stream ends when the relay stops or `finish()` is called.
final class ExchangeEventStream: PushedBody, @unchecked Sendable {
    // `primed` and `early` are guarded by `lock`; what is sent goes through `PushedBody`.
    private struct Primer {
        var primed = false
        var early: [Exchange] = []
    }

    private let primer = Locked(Primer())
    private let heartbeatSeconds: Int

    init(heartbeatSeconds: Int = 15) {
        self.heartbeatSeconds = heartbeatSeconds
        super.init()
        emit(Array(": jmap-relay exchanges\nretry: 2000\n\n".utf8))
    }

    override var heartbeat: (interval: Duration, bytes: [UInt8])? { (.seconds(heartbeatSeconds), Array(": ping\n\n".utf8)) }

    /// Whether an exchange is shown: the relay's own control requests are left out.
    static func isShown(_ e: Exchange) -> Bool { !RelayPaths.isControl(e.request.target) }

    /// `id: <seq>` and `data: <json>`, then the blank line that ends an event.
    static func event(_ e: Exchange) -> [UInt8] {
        var out = Array("id: \(e.seq)\ndata: ".utf8)
        ExchangeJSON.summary(e).write(to: &out)
        out += Array("\n\n".utf8)
        return out
    }

    /// Sends the ring's exchanges before anything that arrived since subscribing; one that
    /// is in both is sent once.
    func prime(with recent: [Exchange]) {
        let early = primer.withLock { p -> [Exchange] in
            p.primed = true
            defer { p.early = [] }
            return p.early
        }
        let seen = Set(early.map(\.seq))
        for e in recent where Self.isShown(e) && !seen.contains(e.seq) { emit(Self.event(e)) }
        for e in early { emit(Self.event(e)) }
    }

    /// Sends a finished exchange (called on the thread that finished it).
    func push(_ e: Exchange) {
        guard Self.isShown(e) else { return }
        let now = primer.withLock { p -> Bool in
            if !p.primed { p.early.append(e) }
            return p.primed
        }
        if now { emit(Self.event(e)) }
    }
}
