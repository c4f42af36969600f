/// Paces bytes to a rate (the bandwidth fault): cuts them into slices and says when each may
/// go. Pure: the caller passes the time in and carries out the plan with timers.
public struct Pacer: Sendable {
    public let bytesPerSecond: Int
    /// About a tenth of a second's worth, at most 16 KiB.
    public let sliceSize: Int
    private var start: UInt64?
    private var sent = 0

    public init(bytesPerSecond: Int) {
        self.bytesPerSecond = max(1, bytesPerSecond)
        sliceSize = max(1, min(16 * 1024, bytesPerSecond / 10))
    }

    /// The slices of `bytes` with the instant each is due: a slice goes once the bytes before
    /// it are due at the rate, counted from the first byte ever paced.
    public mutating func schedule(_ bytes: [UInt8], now: UInt64) -> [(at: UInt64, bytes: [UInt8])] {
        let t0 = start ?? now
        start = t0
        var out: [(at: UInt64, bytes: [UInt8])] = []
        var i = 0
        while i < bytes.count {
            let end = min(bytes.count, i + sliceSize)
            let at = t0 + UInt64(Double(sent) / Double(bytesPerSecond) * 1e9)
            out.append((at, Array(bytes[i..<end])))
            sent += end - i
            i = end
        }
        return out
    }
}
