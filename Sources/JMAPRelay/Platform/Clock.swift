/// Monotonic time for durations and recording offsets.
enum MonotonicClock {
    /// Nanoseconds since an arbitrary fixed point.
    @inline(__always)
    static func nanos() -> UInt64 { readMonotonic() }

    /// Milliseconds between two `nanos()` readings.
    @inline(__always)
    static func ms(from start: UInt64, to end: UInt64 = nanos()) -> Double { Double(end &- start) / 1_000_000 }
}
