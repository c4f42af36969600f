import Foundation
import RelayCore

/// One event loop per core, each with its own `SO_REUSEPORT` listening socket on the same
/// port, plus the threads that serve what the loops hand over.
final class EventLoopGroup: ConnectionServer {
    private let listeners: [Socket]
    private let config: RelayConfiguration
    private let threads = ConnectionThreads()
    private let loops = Locked<[EventLoop]>([])

    let port: Int

    /// Binds one listening socket per loop; nothing is accepted until `start(pipeline:)`.
    init(config: RelayConfiguration) throws {
        let loopCount = config.eventLoopCount ?? ProcessInfo.processInfo.activeProcessorCount
        let first = try Socket.listen(host: config.listenHost, port: config.listenPort, reusePort: true)
        port = first.localPort
        var all = [first]
        for _ in 1..<max(1, loopCount) {
            all.append(try Socket.listen(host: config.listenHost, port: port, reusePort: true))
        }
        listeners = all
        self.config = config
    }

    func start(pipeline: Pipeline) throws {
        let started = try listeners.enumerated().map { i, socket in
            let loop = try EventLoop(pipeline: pipeline, config: config, listener: socket, threads: threads)
            loop.start(name: "loop-\(i)")
            return loop
        }
        loops.withLock { $0 = started }
    }

    func stop(timeout: Duration) {
        let all = loops.withLock { l -> [EventLoop] in
            defer { l.removeAll() }
            return l
        }
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

/// What accepts client connections and serves them: threads (`Listener`) or event loops.
protocol ConnectionServer: Sendable {
    /// The bound port (the real one when 0 was asked for).
    var port: Int { get }
    /// Starts accepting; each request is handled by `pipeline`.
    func start(pipeline: Pipeline) throws
    /// Stops accepting, closes idle connections, waits up to `timeout` for busy ones.
    func stop(timeout: Duration)
}
