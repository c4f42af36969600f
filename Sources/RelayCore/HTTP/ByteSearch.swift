/// Finding one byte value in a buffer eight bytes at a time (the head of a message is
/// searched for its line ends on every request).
enum ByteSearch {
    /// The index of the first `byte` in `b[from..<to]`, or nil.
    @inline(__always)
    static func first(_ byte: UInt8, in b: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        var i = from
        if let base = b.baseAddress {
            let pattern = UInt64(byte) &* 0x0101_0101_0101_0101
            while i + 8 <= to {
                let x = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) ^ pattern
                // A byte of x is zero where the byte matched; the lowest flag is always exact.
                let flags = (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
                if flags != 0 { return i + (UInt64(littleEndian: flags).trailingZeroBitCount >> 3) }
                i += 8
            }
        }
        while i < to {
            if b[i] == byte { return i }
            i += 1
        }
        return nil
    }

    /// The index of the first `byte` or `other` in `b[from..<to]`, or nil.
    @inline(__always)
    static func first(_ byte: UInt8, orElse other: UInt8, in b: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        var i = from
        if let base = b.baseAddress {
            let p1 = UInt64(byte) &* 0x0101_0101_0101_0101
            let p2 = UInt64(other) &* 0x0101_0101_0101_0101
            while i + 8 <= to {
                let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                let x = w ^ p1
                let y = w ^ p2
                let flags = ((x &- 0x0101_0101_0101_0101) & ~x | (y &- 0x0101_0101_0101_0101) & ~y) & 0x8080_8080_8080_8080
                if flags != 0 { return i + (UInt64(littleEndian: flags).trailingZeroBitCount >> 3) }
                i += 8
            }
        }
        while i < to {
            if b[i] == byte || b[i] == other { return i }
            i += 1
        }
        return nil
    }
}
