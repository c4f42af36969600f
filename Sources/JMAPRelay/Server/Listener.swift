import Foundation
import RelayCore
import Synchronization

/// Accepts connections on one socket and gives each its own thread. Tracks the live
/// connections so that shutdown can close the idle ones and wait for the busy ones.
final class Listener: Sendable {
    private let socket: Socket
    private let config: RelayConfiguration
    private let connections = Mutex<[ObjectIdentifier: ClientConnection]>([:])
    private let allGone = DispatchSemaphore(value: 0)
    private let acceptStopped = DispatchSemaphore(value: 0)
    private let stopping = Atomic(false)

    /// The bound port (useful with port 0).
    let port: Int

    /// Binds the socket; nothing is accepted until `start(pipeline:)`.
    init(config: RelayConfiguration) throws {
        socket = try Socket.listen(host: config.listenHost, port: config.listenPort)
        port = socket.localPort
        self.config = config
    }

    /// Starts the accept thread; each connection is served by `pipeline`.
    func start(pipeline: Pipeline) {
        let t = Thread { [self] in acceptLoop(pipeline: pipeline) }
        t.name = "accept"
        t.stackSize = 256 * 1024
        t.start()
    }

    private func acceptLoop(pipeline: Pipeline) {
        defer { acceptStopped.signal() }
        while !stopping.load(ordering: .acquiring) {
            let client: Socket
            do {
                client = try socket.accept()
            } catch {
                if stopping.load(ordering: .acquiring) { return }
                // EMFILE and friends: back off briefly instead of spinning.
                Thread.sleep(forTimeInterval: 0.01)
                continue
            }
            let conn = ClientConnection(socket: client, pipeline: pipeline, config: config)
            let id = ObjectIdentifier(conn)
            connections.withLock { $0[id] = conn }
            let t = Thread { [self] in
                conn.run()
                let empty = connections.withLock { c -> Bool in
                    c[id] = nil
                    return c.isEmpty
                }
                if empty, stopping.load(ordering: .acquiring) { allGone.signal() }
            }
            t.stackSize = 512 * 1024
            t.start()
        }
    }

    /// Number of open client connections.
    var connectionCount: Int { connections.withLock { $0.count } }

    /// Stops accepting, closes idle connections, and waits up to `timeout` for busy ones.
    func stop(timeout: Duration) {
        if stopping.exchange(true, ordering: .acquiringAndReleasing) { return }
        socket.close()
        acceptStopped.wait()
        let open = connections.withLock { c -> [ClientConnection] in Array(c.values) }
        if open.isEmpty { return }
        for c in open { c.interruptIfIdle() }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        if allGone.wait(timeout: .now() + seconds) == .timedOut {
            for c in connections.withLock({ Array($0.values) }) { c.socket.shutdownRead() }
        }
    }
}
