import Foundation

/// A value behind a pthread mutex (`NSLock`), the one lock of the project. Used instead of
/// `Synchronization.Mutex` for two measured reasons: its contended slow path spins (on a
/// 2-core machine shared with the upstream and the load generator that cost about 16% of
/// the relay's CPU), and ThreadSanitizer does not see its locking on Linux, so it reported
/// races between accesses that the lock kept apart.
public final class Locked<Value>: @unchecked Sendable {
    // Every access to `value` goes through `lock`.
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    @inline(__always)
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
