/// When a client connection waiting for a request is cut, and how: the idle timeout runs
/// until a request's first byte, the head timeout from that byte (a client sending a byte a
/// second is cut off), and a head that began and stalled is answered 408 before the close.
/// The one home of that rule. Pure: the connection passes the time in (monotonic nanoseconds).
public struct ReadDeadline: Sendable, Equatable {
    /// What to do with the connection now.
    public enum Action: Sendable, Equatable {
        /// Nothing yet.
        case wait
        /// Close it: it was idle.
        case close
        /// Answer `408 Request Timeout`, then close: a head began and did not finish.
        case requestTimeout
    }

    private let idleNanos: UInt64
    private let headNanos: UInt64
    /// The instant the connection is cut.
    public private(set) var deadline: UInt64
    private var headStarted = false

    public init(idle: Duration, head: Duration, now: UInt64) {
        idleNanos = Self.nanos(idle)
        headNanos = Self.nanos(head)
        deadline = now &+ idleNanos
    }

    /// Waiting for a (next) request: the idle clock starts over.
    public mutating func awaitRequest(now: UInt64) {
        headStarted = false
        deadline = now &+ idleNanos
    }

    /// Bytes of a head are buffered: the head clock starts at the first of them.
    public mutating func headBytesArrived(now: UInt64) {
        guard !headStarted else { return }
        headStarted = true
        deadline = now &+ headNanos
    }

    /// What to do at `now`.
    public func check(now: UInt64) -> Action {
        guard now > deadline else { return .wait }
        return headStarted ? .requestTimeout : .close
    }

    private static func nanos(_ d: Duration) -> UInt64 {
        let c = d.components
        return UInt64(max(0, c.seconds)) * 1_000_000_000 &+ UInt64(max(0, c.attoseconds / 1_000_000_000))
    }
}
