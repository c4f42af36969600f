import Foundation
import RelayCore

/// The body of `GET /_relay/events`: a never-ending `text/event-stream` that starts with the
/// recent exchanges and then carries each new one as a `data:` line (the control API's JSON
/// for an exchange). `read()` blocks until there is something to send, so the connection's
/// thread writes each event as it happens. A comment goes out after `heartbeatSeconds` of
/// silence, so a client that left is noticed at the next write; the stream ends when the relay
/// stops or `finish()` is called.
final class ExchangeEventStream: BodySource, @unchecked Sendable {
    // `queue`, `preamble`, `finished` and `lastWrite` are guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [Exchange] = []
    private var preamble: [UInt8]? = Array(": jmap-relay exchanges\nretry: 2000\n\n".utf8)
    private var finished = false
    private var lastWrite = Date()
    private let isStopping: @Sendable () -> Bool
    private let heartbeatSeconds: Double
    /// Exchanges waiting beyond this many are dropped (a client that does not read).
    static let maxQueued = 1000

    let knownLength: Int? = nil

    init(heartbeatSeconds: Double = 15, isStopping: @escaping @Sendable () -> Bool) {
        self.isStopping = isStopping
        self.heartbeatSeconds = heartbeatSeconds
    }

    /// Whether an exchange is shown: the relay's own control requests are left out.
    static func isShown(_ e: Exchange) -> Bool { !(e.request.target == "/_relay" || e.request.target.hasPrefix("/_relay/")) }

    /// `id: <seq>` and `data: <json>`, then the blank line that ends an event.
    static func event(_ e: Exchange) -> [UInt8] {
        var out = Array("id: \(e.seq)\ndata: ".utf8)
        ExchangeJSON.summary(e).write(to: &out)
        out += Array("\n\n".utf8)
        return out
    }

    /// Puts the ring's exchanges before anything queued since subscribing; one that is in
    /// both is sent once.
    func prime(with recent: [Exchange]) {
        condition.lock()
        let queued = Set(queue.map(\.seq))
        queue = recent.filter { Self.isShown($0) && !queued.contains($0.seq) } + queue
        condition.signal()
        condition.unlock()
    }

    /// Queues a finished exchange (called on the thread that finished it).
    func push(_ e: Exchange) {
        guard Self.isShown(e) else { return }
        condition.lock()
        if queue.count < Self.maxQueued { queue.append(e) }
        condition.signal()
        condition.unlock()
    }

    /// Ends the stream after what is queued.
    func finish() {
        condition.lock()
        finished = true
        condition.signal()
        condition.unlock()
    }

    func read() throws -> ArraySlice<UInt8>? {
        condition.lock()
        defer { condition.unlock() }
        var out = preamble ?? []
        preamble = nil
        while out.isEmpty, queue.isEmpty {
            if finished || isStopping() { return nil }
            if -lastWrite.timeIntervalSinceNow >= heartbeatSeconds {
                out = Array(": ping\n\n".utf8)
                break
            }
            // A new event wakes this at once; the timeout only serves the stop flag and the heartbeat.
            _ = condition.wait(until: Date(timeIntervalSinceNow: 0.5))
        }
        for e in queue { out += Self.event(e) }
        queue.removeAll()
        lastWrite = Date()
        return out[...]
    }
}
