import Foundation

/// Lets writers in until closing starts, and lets closing wait until the last writer is out,
/// so that a file is never closed (and its descriptor number reused) under a write.
final class WriterGate: @unchecked Sendable {
    // `active` and `closed` are read and written with `condition` held.
    private let condition = NSCondition()
    private var active = 0
    private var closed = false

    /// Enters; false once closing has started (the write must not happen).
    func enter() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if closed { return false }
        active += 1
        return true
    }

    func leave() {
        condition.lock()
        active -= 1
        if active == 0 { condition.broadcast() }
        condition.unlock()
    }

    /// Refuses new writers and waits for those inside.
    func closeAndWait() {
        condition.lock()
        closed = true
        while active > 0 { condition.wait() }
        condition.unlock()
    }
}
