/// A small seeded generator (SplitMix64): the same seed gives the same inputs on every machine,
/// so a fuzz failure is reproduced from its seed and iteration alone.
public struct FuzzRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator seeded from bytes (FNV-1a), for deriving chunk splits from an input.
    public init<C: Collection<UInt8>>(hashing bytes: C) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        state = h
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<n` (0 when n is 0).
    public mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

    /// True with probability 1/n.
    public mutating func oneIn(_ n: Int) -> Bool { below(n) == 0 }

    /// Cuts `count` bytes into pieces: mostly a few random cuts, sometimes one byte at a time.
    public mutating func splits(of count: Int) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let pieces: Int
        switch below(8) {
        case 0: pieces = 1
        case 1: pieces = count  // a byte at a time: every boundary is a cut
        default: pieces = 1 + below(min(count, 16))
        }
        var cuts = Set<Int>()
        if pieces == count {
            cuts = Set(1..<count)
        } else {
            for _ in 1..<max(1, pieces) { cuts.insert(1 + below(max(1, count - 1))) }
        }
        var bounds = [0] + cuts.filter { $0 > 0 && $0 < count }.sorted() + [count]
        bounds = Array(Set(bounds)).sorted()
        return zip(bounds, bounds.dropFirst()).map { $0..<$1 }
    }
}
