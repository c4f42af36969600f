import CEpoll

/// An epoll instance and an eventfd to wake it from another thread. Client and upstream
/// sockets are registered edge-triggered for reading once, so serving a request needs no
/// `epoll_ctl` unless a write is partial.
/// Owned by one event loop; `wake()` may be called from any thread.
final class EventPoller: @unchecked Sendable {
    /// Readiness bits as epoll reports them.
    static let readable = relay_EPOLLIN
    static let writable = relay_EPOLLOUT
    static let hangup = relay_EPOLLHUP | relay_EPOLLRDHUP | relay_EPOLLERR

    /// The token the wake-up eventfd reports with.
    static let wakeToken: UInt64 = 0

    private let epfd: Int32
    private let wakeFD: Int32
    private var tokens = [UInt64](repeating: 0, count: 256)
    private var events = [UInt32](repeating: 0, count: 256)

    init() throws {
        epfd = relay_epoll_create()
        if epfd < 0 { throw SocketError(kind: .other, call: "epoll_create1", errno: relay_errno(), message: "cannot create epoll") }
        wakeFD = relay_eventfd()
        if wakeFD < 0 { throw SocketError(kind: .other, call: "eventfd", errno: relay_errno(), message: "cannot create eventfd") }
        _ = relay_epoll_ctl(epfd, 0, wakeFD, relay_EPOLLIN, Self.wakeToken)
    }

    deinit {
        Socket.closeDescriptor(wakeFD)
        Socket.closeDescriptor(epfd)
    }

    /// Watches a connection, edge-triggered, for reading and hang-ups, and for writing only
    /// while `writing` (an unasked-for write edge would wake the loop after every ACK).
    func addConnection(_ fd: Int32, token: UInt64, writing: Bool = false) -> Bool {
        relay_epoll_ctl(epfd, 0, fd, Self.mask(writing), token) == 0
    }

    /// Starts or stops watching a connection for writing (a partial write, a connect).
    func watchWrites(_ fd: Int32, token: UInt64, _ on: Bool) { _ = relay_epoll_ctl(epfd, 1, fd, Self.mask(on), token) }

    private static func mask(_ writing: Bool) -> UInt32 {
        relay_EPOLLIN | relay_EPOLLRDHUP | relay_EPOLLET | (writing ? relay_EPOLLOUT : 0)
    }

    /// Stops watching `fd` (before it is handed to a thread; closing a socket forgets it anyway).
    func remove(_ fd: Int32) { _ = relay_epoll_ctl(epfd, 2, fd, 0, 0) }

    /// Waits up to `timeoutMs` and calls `body` with each ready token and its events.
    /// - Returns: the number of events handled.
    @discardableResult
    func wait(timeoutMs: Int32, _ body: (UInt64, UInt32) -> Void) -> Int {
        let n = tokens.withUnsafeMutableBufferPointer { t in
            events.withUnsafeMutableBufferPointer { e in relay_epoll_wait(epfd, t.baseAddress, e.baseAddress, 256, timeoutMs) }
        }
        guard n > 0 else { return 0 }
        for i in 0..<Int(n) {
            if tokens[i] == Self.wakeToken {
                relay_eventfd_drain(wakeFD)
                continue
            }
            body(tokens[i], events[i])
        }
        return Int(n)
    }

    /// Gives the CPU to another runnable thread, if any, and returns.
    func yield() { relay_sched_yield() }

    /// Makes the loop's current or next `wait` return.
    func wake() { relay_eventfd_signal(wakeFD) }
}
