/// Looking at bytes eight at a time: the codec finds line ends with it, the JMAP scanner and
/// the JSON minifier the quotes and brackets they stop at.
enum ByteSearch {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of each byte of `word` equal to `byte`. The lowest bit set is exact; above
    /// it a bit may also be set for a byte that differs, so callers look at each byte flagged.
    @inline(__always)
    static func equal(_ byte: UInt8, in word: UInt64) -> UInt64 {
        let x = word ^ (UInt64(byte) &* ones)
        return (x &- ones) & ~x & highs
    }

    /// The high bit of each byte of `word` below `limit` (at most 0x80), exact as `equal` is.
    @inline(__always)
    static func below(_ limit: UInt8, in word: UInt64) -> UInt64 {
        (word &- UInt64(limit) &* ones) & ~word & highs
    }

    /// Eight bytes at `p`, the first in the lowest bits.
    @inline(__always)
    static func word(_ base: UnsafePointer<UInt8>, at p: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self))
    }

    /// The index of the first `byte` in `b[from..<to]`, or nil.
    @inline(__always)
    static func first(_ byte: UInt8, in b: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        first(in: b, from: from, to: to, flags: { equal(byte, in: $0) }, matches: { $0 == byte })
    }

    /// The index of the first `byte` or `other` in `b[from..<to]`, or nil.
    @inline(__always)
    static func first(_ byte: UInt8, orElse other: UInt8, in b: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        first(in: b, from: from, to: to, flags: { equal(byte, in: $0) | equal(other, in: $0) },
              matches: { $0 == byte || $0 == other })
    }

    /// The first index in `b[from..<to]` whose byte `matches`, found through `flags` (whose
    /// lowest bit set must be exact) eight bytes at a time.
    @inline(__always)
    private static func first(in b: UnsafeBufferPointer<UInt8>, from: Int, to: Int, flags: (UInt64) -> UInt64,
                              matches: (UInt8) -> Bool) -> Int? {
        var i = from
        if let base = b.baseAddress {
            while i + 8 <= to {
                let f = flags(word(base, at: i))
                if f != 0 { return i + f.trailingZeroBitCount >> 3 }
                i += 8
            }
        }
        while i < to {
            if matches(b[i]) { return i }
            i += 1
        }
        return nil
    }
}
