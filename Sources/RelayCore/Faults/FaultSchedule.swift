/// When a matching exchange is actually faulted: counts and seeded chance, pure.
public struct FaultSchedule: Sendable, Equatable {
    /// Fire only on the n-th match (1-based).
    public var nth: Int?
    /// Fire on the first n matches.
    public var first: Int?
    /// Fire on every n-th match.
    public var every: Int?
    /// Fire with this probability (0…1), decided by the seed and the match number.
    public var probability: Double?
    /// Never fire more than this many times in all.
    public var limit: Int?

    public init(nth: Int? = nil, first: Int? = nil, every: Int? = nil, probability: Double? = nil, limit: Int? = nil) {
        self.nth = nth
        self.first = first
        self.every = every
        self.probability = probability
        self.limit = limit
    }

    /// Whether the `match`-th match (1-based) fires, given `fired` earlier fires. The same
    /// seed, rule number and match number always give the same answer.
    public func fires(match: Int, fired: Int, seed: UInt64, rule: Int) -> Bool {
        if let limit, fired >= limit { return false }
        if let nth, match != nth { return false }
        if let first, match > first { return false }
        if let every, match % every != 0 { return false }
        if let probability {
            let draw = Self.unitDraw(seed: seed, rule: rule, match: match)
            if draw >= probability { return false }
        }
        return true
    }

    /// A number in [0, 1) from SplitMix64 over (seed, rule, match): independent of thread
    /// timing and of other rules.
    static func unitDraw(seed: UInt64, rule: Int, match: Int) -> Double {
        var z = seed &+ UInt64(truncatingIfNeeded: rule) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(truncatingIfNeeded: match) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z = z ^ (z >> 31)
        return Double(z >> 11) / Double(1 << 53)
    }
}
