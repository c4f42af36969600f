import Foundation
import RelayCore
import Synchronization

/// One event loop per core and an acceptor thread that gives each new connection to the
/// least loaded loop. These are the relay's threads (with the trace writer and the signal
/// watcher of the command line): the acceptor blocks in `accept(2)`, so it stays off the
/// loops. (Per-loop `SO_REUSEPORT` listeners were tried first: the kernel's hash put 8
/// connections 5/3 or 6/2 as often as 4/4, and the fuller loop set the pace.)
final class EventLoopGroup: Sendable {
    private let listener: Socket
    private let config: RelayConfiguration
    private let loops = Locked<[EventLoop]>([])
    private let acceptStopped = DispatchSemaphore(value: 0)
    private let stopping = Atomic(false)

    let port: Int

    /// Binds the listening socket; nothing is accepted until `start(pipeline:)`.
    init(config: RelayConfiguration) throws {
        listener = try Socket.listen(host: config.listenHost, port: config.listenPort)
        port = listener.localPort
        self.config = config
    }

    /// Starts the loops and the acceptor.
    /// - Returns: the first loop (for requests the relay makes itself).
    /// - Parameters:
    ///   - listenerTLS: with `--tls`, what TLS clients are served with (the port speaks both).
    func start(pipeline: Pipeline, tls: TLSContext, listenerTLS: TLSServerContext? = nil) throws -> EventLoop {
        let count = max(1, config.eventLoopCount ?? ProcessInfo.processInfo.activeProcessorCount)
        let started = try (0..<count).map { i in
            let loop = try EventLoop(pipeline: pipeline, config: config, tls: tls, listenerTLS: listenerTLS)
            loop.start(name: "loop-\(i)")
            return loop
        }
        loops.withLock { $0 = started }
        let t = Thread { [self] in acceptLoop(started) }
        t.name = "accept"
        t.stackSize = 256 * 1024
        t.start()
        return started[0]
    }

    private func acceptLoop(_ loops: [EventLoop]) {
        defer { acceptStopped.signal() }
        while !stopping.load(ordering: .acquiring) {
            guard let client = try? listener.accept() else {
                if stopping.load(ordering: .acquiring) { return }
                // Out of descriptors: the pending connection is taken with the spare one and
                // closed at once, so accept blocks again instead of failing in a busy loop.
                listener.shedOneConnection()
                continue
            }
            var best = loops[0]
            for loop in loops.dropFirst() where loop.load.load(ordering: .relaxed) < best.load.load(ordering: .relaxed) {
                best = loop
            }
            best.adopt(client)
        }
    }

    func stop(timeout: Duration) {
        if stopping.exchange(true, ordering: .acquiringAndReleasing) { return }
        listener.close()
        let all = loops.withLock { l -> [EventLoop] in
            defer { l.removeAll() }
            return l
        }
        if !all.isEmpty { acceptStopped.wait() }
        let deadline = DispatchTime.now() + Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        for loop in all { loop.requestStop() }
        for loop in all where loop.finished.wait(timeout: deadline) == .timedOut {
            loop.forceStop()
            loop.finished.wait()
        }
    }
}
