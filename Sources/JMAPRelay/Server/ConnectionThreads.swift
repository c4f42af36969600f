import Foundation
import Synchronization

/// The client connections served by threads of their own (all of them in the thread model;
/// the ones an event loop handed over in the loop model). Shutdown closes the idle ones and
/// waits for the busy ones.
final class ConnectionThreads: Sendable {
    private let connections = Locked<[ObjectIdentifier: ClientConnection]>([:])
    private let allGone = DispatchSemaphore(value: 0)
    private let stopping = Atomic(false)

    /// Runs `work` for `conn` on a new thread and tracks the connection until it returns.
    func spawn(_ conn: ClientConnection, _ work: @escaping @Sendable () -> Void) {
        let id = ObjectIdentifier(conn)
        connections.withLock { $0[id] = conn }
        let t = Thread { [self] in
            work()
            let empty = connections.withLock { c -> Bool in
                c[id] = nil
                return c.isEmpty
            }
            if empty, stopping.load(ordering: .acquiring) { allGone.signal() }
        }
        t.stackSize = 512 * 1024
        t.start()
    }

    /// Number of connections served by threads.
    var count: Int { connections.withLock { $0.count } }

    /// Closes idle connections and waits up to `timeout` for busy ones, then cuts them off.
    func stop(timeout: Duration) {
        stopping.store(true, ordering: .releasing)
        let open = connections.withLock { c -> [ClientConnection] in Array(c.values) }
        if open.isEmpty { return }
        for c in open { c.interruptIfIdle() }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        if allGone.wait(timeout: .now() + seconds) == .timedOut {
            for c in connections.withLock({ Array($0.values) }) { c.socket.shutdownRead() }
        }
    }
}
