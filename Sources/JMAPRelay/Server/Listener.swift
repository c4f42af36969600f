import Foundation
import RelayCore
import Synchronization

/// Accepts connections on one socket and gives each its own thread. Tracks the live
/// connections so that shutdown can close the idle ones and wait for the busy ones.
final class Listener: ConnectionServer {
    private let socket: Socket
    private let config: RelayConfiguration
    private let threads = ConnectionThreads()
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
    func start(pipeline: Pipeline) throws {
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
            threads.spawn(conn) { conn.run() }
        }
    }

    /// Number of open client connections.
    var connectionCount: Int { threads.count }

    /// Stops accepting, closes idle connections, and waits up to `timeout` for busy ones.
    func stop(timeout: Duration) {
        if stopping.exchange(true, ordering: .acquiringAndReleasing) { return }
        socket.close()
        acceptStopped.wait()
        threads.stop(timeout: timeout)
    }
}
