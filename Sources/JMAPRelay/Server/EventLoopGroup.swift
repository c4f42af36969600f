import Foundation
import RelayCore
import Synchronization

/// One event loop per core, an acceptor thread that gives each new connection to the least
/// loaded loop, and the threads that serve what the loops hand over. (Per-loop
/// `SO_REUSEPORT` listeners were tried first: the kernel's hash put 8 connections 5/3 or 6/2
/// as often as 4/4, and the fuller loop set the pace.)
final class EventLoopGroup: ConnectionServer {
    private let listener: Socket
    private let config: RelayConfiguration
    private let threads = ConnectionThreads()
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

    func start(pipeline: Pipeline) throws {
        let count = max(1, config.eventLoopCount ?? ProcessInfo.processInfo.activeProcessorCount)
        let started = try (0..<count).map { i in
            let loop = try EventLoop(pipeline: pipeline, config: config, threads: threads)
            loop.start(name: "loop-\(i)")
            return loop
        }
        loops.withLock { $0 = started }
        let t = Thread { [self] in acceptLoop(started) }
        t.name = "accept"
        t.stackSize = 256 * 1024
        t.start()
    }

    private func acceptLoop(_ loops: [EventLoop]) {
        defer { acceptStopped.signal() }
        while !stopping.load(ordering: .acquiring) {
            guard let client = try? listener.accept() else {
                if stopping.load(ordering: .acquiring) { return }
                // EMFILE and friends: back off briefly instead of spinning.
                Thread.sleep(forTimeInterval: 0.01)
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
        let left = max(0, deadline.uptimeNanoseconds &- DispatchTime.now().uptimeNanoseconds)
        threads.stop(timeout: .nanoseconds(Int64(min(left, UInt64(Int64.max)))))
    }
}
