/// The byte patterns a `SecretScrubber` searches for, indexed by their first eight bytes (every
/// pattern has at least eight). A value type: a scrub takes a copy (its storage is shared, not
/// copied) and searches without holding the scrubber's lock.
struct SecretTable: Sendable {
    /// Patterns that begin with the same eight bytes (JWTs all begin `eyJhbGci`): by length,
    /// then by a hash of the whole pattern, so that a thousand of them cost no more to look
    /// for than one of each length.
    private struct Bucket: Sendable {
        /// Lengths present, longest first.
        var lengths: [Int] = []
        var byHash: [UInt64: [Int]] = [:]
    }

    /// Secrets as learned, so that one seen again costs a set lookup.
    private var learned: Set<String> = []
    private var patterns: [[UInt8]] = []
    private var buckets: [UInt64: Bucket] = [:]
    /// One bit per hash of a prefix: most positions are passed over by one bit test. It has
    /// at least 64 bits per prefix, so it stays sparse however many secrets are learned.
    private var filter = [UInt64](repeating: 0, count: 64)
    /// How far a word's hash is shifted to index `filter` (64 minus the bits it takes).
    private var shift: UInt64 = 52
    /// For each pair of bytes, how far the search may jump when they are the last two of the
    /// eight it looks at (Wu–Manber): 7 for a pair no pattern's first eight bytes hold, less
    /// for one they do, 0 where a pattern's first eight bytes may end. Ordinary text is passed
    /// over about seven bytes a step instead of one.
    private var skip = [UInt8](repeating: 7, count: 1 << 16)

    mutating func insertLearned(_ secret: String) -> Bool { learned.insert(secret).inserted }

    /// Adds one byte pattern (at least eight bytes); a duplicate is ignored.
    mutating func add(_ p: [UInt8]) {
        guard p.count >= 8 else { return }
        let (key, full) = p.withUnsafeBufferPointer { b in (ByteSearch.word(b.baseAddress!, at: 0), Self.fnv(b.baseAddress!, b.count)) }
        if buckets[key]?.byHash[full]?.contains(where: { patterns[$0] == p }) == true { return }
        patterns.append(p)
        let index = patterns.count - 1
        // Changed in place: a copy of the bucket would copy its table at every secret.
        buckets[key, default: Bucket()].byHash[full, default: []].append(index)
        for j in 1..<8 {
            let pair = Int(p[j - 1]) << 8 | Int(p[j])
            skip[pair] = min(skip[pair], UInt8(7 - j))
        }
        if buckets[key]!.lengths.contains(p.count) == false {
            buckets[key]!.lengths.append(p.count)
            buckets[key]!.lengths.sort(by: >)
        }
        if buckets.count > filter.count {
            filter = [UInt64](repeating: 0, count: filter.count * 2)
            shift -= 1
            for k in buckets.keys { setFilterBit(k) }
        } else {
            setFilterBit(key)
        }
    }

    private mutating func setFilterBit(_ key: UInt64) {
        let h = hash(key)
        filter[h >> 6] |= 1 << UInt64(h & 63)
    }

    /// The filter's index for a word (the multiply spreads all eight bytes into the top bits).
    @inline(__always)
    private func hash(_ word: UInt64) -> Int { Int(truncatingIfNeeded: (word &* 0x9E37_79B9_7F4A_7C15) &>> shift) }

    /// FNV-1a of `n` bytes at `p`.
    @inline(__always)
    private static func fnv(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in 0..<n { h = (h ^ UInt64(p[k])) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// `b` with every occurrence replaced, or nil when nothing occurs. One pass: at each
    /// position the eight bytes there are looked up in the filter, and only a hit goes further.
    /// Overlapping and adjacent occurrences become one mask.
    func scrubbed(_ b: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard b.count >= 8, let base = b.baseAddress else { return nil }
        var out: [UInt8]? = nil
        var copied = 0
        var runStart = -1
        var runEnd = -1
        var i = 0
        while let at = nextCandidate(base, from: i, last: b.count - 8) {
            let w = ByteSearch.word(base, at: at)
            if let bucket = buckets[w], let length = longestMatch(in: bucket, at: base + at, upTo: b.count - at, beyond: runEnd - at) {
                if runStart >= 0, runEnd >= at {
                    runEnd = at + length
                } else {
                    if runStart >= 0 { flush(b, &out, &copied, runStart, runEnd) }
                    runStart = at
                    runEnd = at + length
                }
            }
            i = at + 1
        }
        guard runStart >= 0 else { return nil }
        flush(b, &out, &copied, runStart, runEnd)
        out!.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied...]))
        return out
    }

    /// The first position from `from` through `last` whose eight bytes pass the filter: the
    /// loop every byte of a written line goes through, kept free of anything else.
    @inline(__always)
    private func nextCandidate(_ base: UnsafePointer<UInt8>, from: Int, last: Int) -> Int? {
        filter.withUnsafeBufferPointer { f -> Int? in
            skip.withUnsafeBufferPointer { jump -> Int? in
                var i = from
                while i <= last {
                    let step = jump[Int(base[i &+ 6]) << 8 | Int(base[i &+ 7])]
                    if step != 0 {
                        i &+= Int(step)
                        continue
                    }
                    let h = hash(ByteSearch.word(base, at: i))
                    if f[h >> 6] & 1 << UInt64(h & 63) != 0 { return i }
                    i &+= 1
                }
                return nil
            }
        }
    }

    /// The length of the longest pattern of `bucket` at `p` (with `room` bytes left) that is
    /// longer than `covered` (what the current run already masks from here).
    @inline(__always)
    private func longestMatch(in bucket: Bucket, at p: UnsafePointer<UInt8>, upTo room: Int, beyond covered: Int) -> Int? {
        for length in bucket.lengths where length <= room && length > covered {
            guard let indices = bucket.byHash[Self.fnv(p, length)] else { continue }
            for index in indices where patterns[index].withUnsafeBufferPointer({ Self.equal(p, $0.baseAddress!, length) }) {
                return length
            }
        }
        return nil
    }

    /// Copies what precedes the run, then the mask in its place.
    private func flush(_ b: UnsafeBufferPointer<UInt8>, _ out: inout [UInt8]?, _ copied: inout Int, _ start: Int, _ end: Int) {
        if out == nil { out = []; out!.reserveCapacity(b.count) }
        out!.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<start]))
        out!.append(contentsOf: SecretScrubber.mask)
        copied = end
    }

    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var k = 0
        while k + 8 <= n {
            if ByteSearch.word(a, at: k) != ByteSearch.word(b, at: k) { return false }
            k += 8
        }
        while k < n {
            if a[k] != b[k] { return false }
            k += 1
        }
        return true
    }
}
