import Foundation
import RelayCore
import Synchronization

/// Something registered with an event loop: a client connection or an upstream connection.
protocol LoopHandler: AnyObject {
    /// Called with the epoll events reported for its socket.
    func handle(events: UInt32)
    /// Called a few times a second with the monotonic time; acts on its deadline.
    func checkTimeout(now: UInt64)
}

/// One event loop: a thread, an epoll instance, the client connections the group's acceptor
/// gave it, a small keep-alive pool of upstream connections and the timers of everything it
/// serves. Every exchange, stream, tunnel and timed fault of its clients runs here without
/// blocking. Everything here belongs to the loop's thread except `adopt`, `execute`, `load`,
/// `requestStop` and `forceStop`.
final class EventLoop: @unchecked Sendable {
    let pipeline: Pipeline
    let config: RelayConfiguration
    let poller: EventPoller
    private var handlers: [UInt64: any LoopHandler] = [:]
    private var nextToken: UInt64 = 2
    private var clientCount = 0
    /// Client connections served, for the acceptor to pick the least loaded loop.
    let load = Atomic(0)
    /// Connections accepted for this loop and not yet registered.
    private let adopted = Locked<[Socket]>([])
    /// Work handed to the loop by other threads (a replayed push, a live inspector event).
    private let tasks = Locked<[@Sendable () -> Void]>([])
    private let hasWork = Atomic(false)
    private var timers = DeadlineQueue<() -> Void>()
    var idleUpstreams: [Origin: IdleUpstreams] = [:]
    let maxIdlePerOrigin = 64
    /// A read buffer shared by the loop's connections.
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    /// The latest monotonic time the loop read: after each wait, and when it handles the
    /// first event of a batch.
    private(set) var now = MonotonicClock.nanos()
    private let stopRequested = Atomic(false)
    private let forced = Atomic(false)
    private var toldStopping = false
    /// The one TLS context of the loops' upstream connections, made on first use.
    let tls: TLSContext?
    /// With `--tls`: what the listener serves TLS clients with.
    let listenerTLS: TLSServerContext?
    /// Signalled when the loop's thread has finished.
    let finished = DispatchSemaphore(value: 0)

    init(pipeline: Pipeline, config: RelayConfiguration, tls: TLSContext?, listenerTLS: TLSServerContext? = nil) throws {
        self.pipeline = pipeline
        self.config = config
        self.tls = tls
        self.listenerTLS = listenerTLS
        poller = try EventPoller()
    }

    deinit { scratch.deallocate() }

    /// Starts the loop's thread.
    func start(name: String) {
        let t = Thread { [self] in run() }
        t.name = name
        t.stackSize = 4 << 20
        t.start()
    }

    /// Gives the loop a connection to serve (from the acceptor's thread).
    func adopt(_ socket: Socket) {
        load.add(1, ordering: .relaxed)
        adopted.withLock { $0.append(socket) }
        hasWork.store(true, ordering: .releasing)
        poller.wake()
    }

    /// Runs `task` on the loop's thread (from any thread).
    func execute(_ task: @escaping @Sendable () -> Void) {
        tasks.withLock { $0.append(task) }
        hasWork.store(true, ordering: .releasing)
        poller.wake()
    }

    /// Closes idle connections; busy ones finish their exchange.
    func requestStop() {
        stopRequested.store(true, ordering: .releasing)
        poller.wake()
    }

    /// Closes everything still open.
    func forceStop() {
        forced.store(true, ordering: .releasing)
        poller.wake()
    }

    // MARK: Timers

    /// Runs `body` on the loop at the monotonic instant `at` (nanoseconds).
    @discardableResult
    func schedule(at: UInt64, _ body: @escaping () -> Void) -> DeadlineQueue<() -> Void>.ID {
        timers.schedule(at: at, body)
    }

    /// Runs `body` on the loop `after` from now.
    @discardableResult
    func schedule(after: Duration, _ body: @escaping () -> Void) -> DeadlineQueue<() -> Void>.ID {
        timers.schedule(at: deadline(after: after), body)
    }

    func cancel(_ timer: DeadlineQueue<() -> Void>.ID) { timers.cancel(timer) }

    /// Monotonic nanoseconds `d` from the time the loop last read (at most one batch of
    /// events ago).
    func deadline(after d: Duration) -> UInt64 { now &+ d.nanoseconds }

    /// Above this many clients a loop does not poll before it sleeps (on the bench machine
    /// polling gained 3% at 8 connections; not polling with 32 clients a loop gained 4% at 64).
    static let maxClientsToPoll = 16

    /// How long the next wait may sleep: until the next timer, at most a quarter second (the
    /// connections' own deadlines are checked that often).
    private func waitTimeoutMs() -> Int32 {
        guard let next = timers.nextDeadline() else { return 250 }
        let t = MonotonicClock.nanos()
        if next <= t { return 0 }
        return Int32(min(250, (next - t + 999_999) / 1_000_000))
    }

    private func run() {
        defer { finished.signal() }
        var nextScan = now + 250_000_000
        // The time is read once per batch of events, when its first one is handled: the
        // handlers' deadlines (seconds long) need no fresher reading than that.
        var timeIsFresh = false
        let handle = { (token: UInt64, events: UInt32) in
            if !timeIsFresh {
                self.now = MonotonicClock.nanos()
                timeIsFresh = true
            }
            if let h = self.handlers[token] { h.handle(events: events) }
        }
        let pollNanos = config.pollBeforeSleep.nanoseconds
        var busy = false
        while true {
            var handled = 0
            if busy, pollNanos > 0, clientCount <= Self.maxClientsToPoll {
                // Just served something: the next packet (the upstream's answer, the client's
                // next request) usually follows within microseconds. Polling for it, yielding
                // the CPU between polls, spares a sleep and a wake-up. With many clients there
                // is always more coming: sleeping lets events gather into one wait instead.
                let until = MonotonicClock.nanos() &+ pollNanos
                repeat {
                    handled = poller.wait(timeoutMs: 0, handle)
                    if handled > 0 { break }
                    poller.yield()
                } while MonotonicClock.nanos() < until
            }
            if handled == 0 { handled = poller.wait(timeoutMs: waitTimeoutMs(), handle) }
            busy = handled > 0
            now = MonotonicClock.nanos()
            timeIsFresh = false
            if hasWork.exchange(false, ordering: .acquiring) { runWork() }
            for fire in timers.popDue(now: now) { fire() }
            if now >= nextScan {
                nextScan = now + 250_000_000
                for h in Array(handlers.values) { h.checkTimeout(now: now) }
            }
            if stopRequested.load(ordering: .acquiring) {
                if !toldStopping {
                    toldStopping = true
                    for case let c as LoopConnection in Array(handlers.values) { c.relayStopping() }
                }
                if clientCount == 0 || forced.load(ordering: .acquiring) { break }
            }
        }
        // Upstreams first: an exchange in flight is answered (502) and traced before its client closes.
        for case let u as LoopUpstreamConnection in Array(handlers.values) { u.abandon() }
        for case let c as LoopConnection in Array(handlers.values) { c.close() }
    }

    private func runWork() {
        for socket in adopted.withLock({ a -> [Socket] in defer { a.removeAll() }; return a }) {
            let token = nextToken
            nextToken += 1
            let conn = LoopConnection(socket: socket, loop: self, token: token)
            guard poller.addConnection(socket.fd, token: token) else {
                load.subtract(1, ordering: .relaxed)
                continue
            }
            handlers[token] = conn
            clientCount += 1
            conn.start()
        }
        for task in tasks.withLock({ t -> [@Sendable () -> Void] in defer { t.removeAll() }; return t }) { task() }
    }

    /// Registers an upstream connection; false when epoll refused it.
    func register(_ upstream: LoopUpstreamConnection, connecting: Bool) -> Bool {
        let token = nextToken
        nextToken += 1
        guard poller.addConnection(upstream.socket.fd, token: token, writing: connecting) else { return false }
        upstream.token = token
        handlers[token] = upstream
        return true
    }

    /// Forgets a handler (its socket is being closed).
    func unregister(token: UInt64) {
        guard let h = handlers.removeValue(forKey: token) else { return }
        if h is LoopConnection {
            clientCount -= 1
            load.subtract(1, ordering: .relaxed)
        }
    }
}
