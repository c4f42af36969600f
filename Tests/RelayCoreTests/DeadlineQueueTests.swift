import RelayCore
import Testing

/// The loop's timers, driven by a manual clock: nothing fires early, everything due fires in
/// order, a cancelled timer never fires.
@Suite struct DeadlineQueueTests {
    @Test func aDelayFiresExactlyWhenTheClockSays() {
        var q = DeadlineQueue<String>()
        let t0: UInt64 = 1_000_000_000
        q.schedule(at: t0 + 500_000_000, "delay:500")
        #expect(q.nextDeadline() == t0 + 500_000_000)
        #expect(q.popDue(now: t0).isEmpty)
        #expect(q.popDue(now: t0 + 499_999_999).isEmpty)
        #expect(q.popDue(now: t0 + 500_000_000) == ["delay:500"])
        #expect(q.nextDeadline() == nil)
    }

    @Test func dueEntriesComeEarliestFirstAndTiesInOrder() {
        var q = DeadlineQueue<Int>()
        for (i, at) in [30, 10, 20, 10, 40].enumerated() { q.schedule(at: UInt64(at), i) }
        #expect(q.popDue(now: 25) == [1, 3, 2])
        #expect(q.count == 2)
        #expect(q.popDue(now: 100) == [0, 4])
    }

    @Test func aCancelledEntryNeverFires() {
        var q = DeadlineQueue<String>()
        let a = q.schedule(at: 10, "a")
        q.schedule(at: 20, "b")
        q.cancel(a)
        #expect(q.count == 1)
        #expect(q.nextDeadline() == 20)
        #expect(q.popDue(now: 30) == ["b"])
        q.cancel(a)
        #expect(q.count == 0)
    }
}

/// The bandwidth fault's plan: slices due at the rate, from the first byte.
@Suite struct PacerTests {
    @Test func slicesAreDueAtTheRate() throws {
        var p = Pacer(bytesPerSecond: 100)
        let plan = p.schedule(Array(repeating: 7, count: 25), now: 1000)
        #expect(plan.map(\.bytes.count) == [10, 10, 5])
        #expect(plan.map(\.at) == [1000, 1000 + 100_000_000, 1000 + 200_000_000])
        // Unwrapped first: AddressSanitizer reports Swift Testing's capture of an optional chain
        // here as a stack overflow inside the runtime (a toolchain false positive).
        let later = try #require(p.schedule([1], now: 5_000_000_000).first)
        #expect(later.at == 1000 + 250_000_000)
    }
}
