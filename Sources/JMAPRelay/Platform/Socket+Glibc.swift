import Foundation
import Glibc
import RelayCore
import Synchronization

/// A failed socket call: which call, errno, and its text.
public struct SocketError: Error, Sendable, CustomStringConvertible {
    /// The class of failure the relay acts on.
    public enum Kind: Sendable, Equatable {
        case refused, reset, timeout, dns, closed, addressInUse, other
    }

    public var kind: Kind
    /// The system call that failed, e.g. `connect`.
    public var call: String
    public var errno: Int32
    /// `strerror` text or a description.
    public var message: String

    public var description: String { "\(call): \(message)" }

    /// Builds the error from the current `errno`.
    static func makeFailed(_ call: String, errno e: Int32 = Glibc.errno) -> SocketError {
        let kind: Kind
        switch e {
        case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH: kind = .refused
        case ECONNRESET, EPIPE, ECONNABORTED: kind = .reset
        case EAGAIN, ETIMEDOUT: kind = .timeout
        case EADDRINUSE: kind = .addressInUse
        case EBADF, EINVAL: kind = .closed
        default: kind = .other
        }
        return SocketError(kind: kind, call: call, errno: e, message: String(cString: strerror(e)))
    }
}

/// A TCP socket: blocking for the test support's clients, non-blocking for the event loops
/// (`readNonBlocking`, `writeNonBlocking`). The only file that imports Glibc: everything the relay needs from
/// the system goes through here. Owned by one thread at a time, except `close`/`shutdown*`,
/// which another thread may call to unblock a reader.
public final class Socket: @unchecked Sendable {
    public let fd: Int32
    /// The read timeout last set, in microseconds (-1: never set); only the owning thread sets it.
    private var currentReadTimeout = -1
    private let closed = Atomic(false)
    /// A listener's spare descriptor (on /dev/null), given up to shed a connection when the
    /// process runs out of descriptors; only the accepting thread touches it.
    private var spare: Int32 = -1

    init(fd: Int32) { self.fd = fd }

    deinit {
        close()
        if spare >= 0 { Glibc.close(spare) }
    }

    // MARK: Listening

    /// A listening socket on `host:port` (port 0 picks one).
    public static func listen(host: String, port: Int, backlog: Int32 = 1024) throws -> Socket {
        let addrs = try resolve(host: host, port: port, passive: true)
        var lastError = SocketError(kind: .dns, call: "getaddrinfo", errno: 0, message: "no address for \(host)")
        for a in addrs {
            let fd = Glibc.socket(a.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 { lastError = .makeFailed("socket"); continue }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            let ok = a.address.withUnsafeBytes { p in
                Glibc.bind(fd, p.baseAddress!.assumingMemoryBound(to: sockaddr.self), a.length) == 0
            }
            if !ok || Glibc.listen(fd, backlog) != 0 {
                lastError = .makeFailed(ok ? "listen" : "bind")
                Glibc.close(fd)
                continue
            }
            let s = Socket(fd: fd)
            s.spare = Glibc.open("/dev/null", O_RDONLY | O_CLOEXEC)
            return s
        }
        throw lastError
    }

    /// Takes one pending connection with the spare descriptor and closes it at once, then
    /// keeps a spare again: out of descriptors, a listener sheds a client instead of failing
    /// `accept` in a busy loop (or sleeping between tries).
    public func shedOneConnection() {
        if spare >= 0 { Glibc.close(spare) }
        let c = Glibc.accept(fd, nil, nil)
        if c >= 0 { Glibc.close(c) }
        spare = Glibc.open("/dev/null", O_RDONLY | O_CLOEXEC)
    }

    /// The local port.
    public var localPort: Int {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return Self.port(of: storage)
    }

    /// Waits for a connection. Throws once the socket is closed (that is how shutdown stops it).
    public func accept() throws -> Socket {
        while true {
            let c = Glibc.accept(fd, nil, nil)
            if c >= 0 {
                _ = fcntl(c, F_SETFD, FD_CLOEXEC)
                let s = Socket(fd: c)
                s.setNoDelay()
                return s
            }
            if errno == EINTR || errno == ECONNABORTED { continue }
            throw SocketError.makeFailed("accept")
        }
    }

    // MARK: Connecting

    /// The addresses to connect to for `host:port`, in the resolver's order. A name is
    /// resolved at most every half minute: `getaddrinfo` blocks, and the event loops ask
    /// each time they open a connection.
    public static func addresses(host: String, port: Int) throws -> [Address] {
        let key = "\(host):\(port)"
        let now = MonotonicClock.nanos()
        if let hit = resolvedNames.withLock({ $0[key] }), now &- hit.at < 30_000_000_000 { return hit.addresses }
        let found = try resolve(host: host, port: port, passive: false)
        resolvedNames.withLock { $0[key] = (now, found) }
        return found
    }

    static let resolvedNames = Locked<[String: (at: UInt64, addresses: [Address])]>([:])

    /// Starts connecting to the first of `addresses` that accepts a connect without blocking.
    /// - Returns: the socket, whether the connection is still in progress (wait for it to be
    ///   writable, then read `connectError`), and the addresses not tried yet.
    public static func connectNonBlocking(to addresses: [Address]) throws -> (Socket, inProgress: Bool, untried: [Address]) {
        var lastError = SocketError(kind: .dns, call: "getaddrinfo", errno: 0, message: "no address")
        for (i, a) in addresses.enumerated() {
            switch startConnect(a) {
            case .success(let (fd, inProgress)):
                let s = Socket(fd: fd)
                s.setNoDelay()
                return (s, inProgress, Array(addresses[(i + 1)...]))
            case .failure(let e):
                lastError = e
            }
        }
        throw lastError
    }

    /// A non-blocking socket for `a` with its connect begun: the descriptor and whether the
    /// connection is still in progress.
    private static func startConnect(_ a: Address) -> Result<(Int32, Bool), SocketError> {
        let fd = Glibc.socket(a.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        if fd < 0 { return .failure(.makeFailed("socket")) }
        let rc = a.address.withUnsafeBytes { p in
            Glibc.connect(fd, p.baseAddress!.assumingMemoryBound(to: sockaddr.self), a.length)
        }
        if rc != 0 && errno != EINPROGRESS {
            let e = SocketError.makeFailed("connect")
            Glibc.close(fd)
            return .failure(e)
        }
        return .success((fd, rc != 0))
    }

    /// The outcome of a non-blocking connect, once the socket is writable.
    public var connectError: SocketError? {
        var err: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 { return .makeFailed("connect") }
        return err == 0 ? nil : .makeFailed("connect", errno: err)
    }

    /// Connects to `host:port` within `timeout`, trying each resolved address.
    public static func connect(host: String, port: Int, timeout: Duration) throws -> Socket {
        var lastError = SocketError(kind: .dns, call: "getaddrinfo", errno: 0, message: "no address for \(host)")
        for a in try resolve(host: host, port: port, passive: false) {
            let fd: Int32
            let inProgress: Bool
            switch startConnect(a) {
            case .success(let started): (fd, inProgress) = started
            case .failure(let e):
                lastError = e
                continue
            }
            if inProgress {
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let n = poll(&pfd, 1, Int32(clamping: timeout.milliseconds))
                if n == 0 {
                    lastError = SocketError(kind: .timeout, call: "connect", errno: ETIMEDOUT, message: "timed out after \(timeout)")
                    Glibc.close(fd)
                    continue
                }
                var err: Int32 = 0
                var len = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
                if n < 0 || err != 0 {
                    lastError = .makeFailed("connect", errno: n < 0 ? errno : err)
                    Glibc.close(fd)
                    continue
                }
            }
            // Blocking from here on: this socket is read and written by one thread.
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
            let s = Socket(fd: fd)
            s.setNoDelay()
            return s
        }
        throw lastError
    }

    // MARK: I/O

    /// Reads up to `max` bytes; empty at end of stream.
    public func read(max: Int) throws -> ArraySlice<UInt8> {
        var buf = [UInt8](repeating: 0, count: max)
        let n = try buf.withUnsafeMutableBytes { try read(into: $0) }
        return buf[0..<n]
    }

    /// Reads into `buffer`; 0 at end of stream. A read timeout throws `.timeout`.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.recv(fd, buffer.baseAddress, buffer.count, 0)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw SocketError.makeFailed("recv")
        }
    }

    /// Writes all of `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var off = 0
        while off < bytes.count {
            let n = Glibc.send(fd, bytes.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL))
            if n < 0 {
                if errno == EINTR { continue }
                throw SocketError.makeFailed("send")
            }
            off += n
        }
    }

    /// Writes all of `bytes`.
    public func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

    /// Writes all of `bytes`.
    public func write(_ bytes: ArraySlice<UInt8>) throws { try bytes.withUnsafeBytes { try write($0) } }

    /// The first byte waiting, left unread: nil when nothing is there yet, -1 at end of stream.
    public func peekByte() -> Int? {
        var byte: UInt8 = 0
        while true {
            let n = Glibc.recv(fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
            if n == 1 { return Int(byte) }
            if n == 0 { return -1 }
            if errno == EINTR { continue }
            return errno == EAGAIN || errno == EWOULDBLOCK ? nil : -1
        }
    }

    /// Reads what is there without waiting: nil when nothing is, 0 at end of stream.
    public func readNonBlocking(into buffer: UnsafeMutableRawBufferPointer) throws -> Int? {
        while true {
            let n = Glibc.recv(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
            if n >= 0 { return n }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
            throw SocketError.makeFailed("recv")
        }
    }

    /// Writes what fits without waiting; returns the count written (0 when nothing fits).
    public func writeNonBlocking(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            if n >= 0 { return n }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return 0 }
            throw SocketError.makeFailed("send")
        }
    }

    /// Switches the socket between blocking (threads) and non-blocking (event loops) mode.
    public func setBlocking(_ blocking: Bool) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK)
    }

    /// Whether bytes (or end of stream) are waiting within `timeout` (nil waits forever).
    public func waitReadable(timeout: Duration?) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ms = timeout.map { Int32(clamping: $0.milliseconds) } ?? -1
        while true {
            let n = poll(&pfd, 1, ms)
            if n < 0, errno == EINTR { continue }
            return n > 0
        }
    }

    // MARK: Options

    /// Blocking reads give up after `d` (nil: never).
    public func setReadTimeout(_ d: Duration?) {
        let us = d.map { max(1, $0.microseconds) } ?? 0
        guard us != currentReadTimeout else { return }  // one setsockopt less per request
        currentReadTimeout = us
        setTimeout(SO_RCVTIMEO, d)
    }

    /// Blocking writes give up after `d` (nil: never).
    public func setWriteTimeout(_ d: Duration?) { setTimeout(SO_SNDTIMEO, d) }

    private func setTimeout(_ option: Int32, _ d: Duration?) {
        let us = d.map { max(1, $0.microseconds) } ?? 0
        var tv = timeval(tv_sec: us / 1_000_000, tv_usec: Int(us % 1_000_000))
        setsockopt(fd, SOL_SOCKET, option, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    private func setNoDelay() {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    // MARK: Closing

    /// Stops sending (the peer sees end of stream).
    public func shutdownWrite() { _ = Glibc.shutdown(fd, Int32(SHUT_WR)) }

    /// Stops receiving; a thread blocked in `read` returns 0.
    public func shutdownRead() { _ = Glibc.shutdown(fd, Int32(SHUT_RD)) }

    /// Closes with a TCP reset instead of a clean close (a fault).
    public func reset() {
        var l = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, socklen_t(MemoryLayout<linger>.size))
        close()
    }

    /// Closes a descriptor that is not a socket (an epoll instance, an eventfd).
    static func closeDescriptor(_ fd: Int32) { _ = Glibc.close(fd) }

    /// Closes the socket; a listener's blocked `accept` is woken first. Idempotent.
    public func close() {
        if closed.exchange(true, ordering: .acquiringAndReleasing) { return }
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
        Glibc.close(fd)
    }

    // MARK: Peers

    /// `address:port` of the peer.
    public var peerDescription: String {
        guard let (addr, port) = peer() else { return "unknown peer" }
        return addr.contains(":") ? "[\(addr)]:\(port)" : "\(addr):\(port)"
    }

    /// Whether the peer is on a loopback address (127.0.0.0/8 or ::1).
    public var isPeerLoopback: Bool {
        guard let (addr, _) = peer() else { return false }
        return addr.hasPrefix("127.") || addr == "::1" || addr.hasPrefix("::ffff:127.")
    }

    private func peer() -> (String, Int)? {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &len) }
        }
        guard rc == 0 else { return nil }
        return (Self.address(of: storage), Self.port(of: storage))
    }

    // MARK: Addresses

    /// One resolved address of a host and port, ready to connect to.
    public struct Address: Sendable {
        var family: Int32
        var address: [UInt8]
        var length: socklen_t
    }

    private static func resolve(host: String, port: Int, passive: Bool) throws -> [Address] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        if passive { hints.ai_flags = AI_PASSIVE }
        var result: UnsafeMutablePointer<addrinfo>?
        let h = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let rc = getaddrinfo(h, String(port), &hints, &result)
        guard rc == 0, let first = result else {
            let msg = rc == 0 ? "no address" : String(cString: gai_strerror(rc))
            throw SocketError(kind: .dns, call: "getaddrinfo", errno: rc, message: "\(host): \(msg)")
        }
        defer { freeaddrinfo(first) }
        var out: [Address] = []
        var p: UnsafeMutablePointer<addrinfo>? = first
        while let ai = p {
            let len = Int(ai.pointee.ai_addrlen)
            let bytes = [UInt8](UnsafeRawBufferPointer(start: ai.pointee.ai_addr, count: len))
            out.append(Address(family: ai.pointee.ai_family, address: bytes, length: ai.pointee.ai_addrlen))
            p = ai.pointee.ai_next
        }
        return out
    }

    private static func port(of s: sockaddr_storage) -> Int {
        var s = s
        let family = Int32(s.ss_family)
        return withUnsafePointer(to: &s) { p -> Int in
            if family == AF_INET6 {
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    private static func address(of s: sockaddr_storage) -> String {
        var s = s
        let family = Int32(s.ss_family)
        var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        withUnsafePointer(to: &s) { p in
            if family == AF_INET6 {
                p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { a in
                    var addr = a.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &addr, &buf, socklen_t(buf.count))
                }
            } else {
                p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { a in
                    var addr = a.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &addr, &buf, socklen_t(buf.count))
                }
            }
        }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Signals the relay handles: SIGPIPE ignored, SIGINT/SIGTERM turned into a normal callback.
public enum ProcessSignals {
    /// A peer closing mid-write must not kill the process.
    public static func ignoreSIGPIPE() { signal(SIGPIPE, SIG_IGN) }

    /// Runs `handler` on an ordinary thread when SIGINT or SIGTERM arrives.
    public static func onTerminate(_ handler: @escaping @Sendable (Int32) -> Void) {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let watched = set
        let t = Thread {
            var s = watched
            var sig: Int32 = 0
            while sigwait(&s, &sig) == 0 { handler(sig) }
        }
        t.name = "signals"
        t.start()
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
    var microseconds: Int { Int(components.seconds) * 1_000_000 + Int(components.attoseconds / 1_000_000_000_000) }
    /// Nanoseconds, negative durations as zero.
    var nanoseconds: UInt64 { UInt64(max(0, components.seconds)) * 1_000_000_000 &+ UInt64(max(0, components.attoseconds / 1_000_000_000)) }
}

extension MonotonicClock {
    /// `CLOCK_MONOTONIC` read straight from the vDSO: the event loops read the time several
    /// times an exchange, and `DispatchTime.now()` wraps the same read in a library call.
    @inline(__always)
    static func readMonotonic() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}

/// What the command line asks of its terminal.
public enum Terminal {
    /// Whether `handle` is an interactive terminal (a progress line is drawn only there).
    public static func isTerminal(_ handle: FileHandle) -> Bool { isatty(handle.fileDescriptor) == 1 }
}
