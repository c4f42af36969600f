/// Turns valid inputs into nearly-valid ones: bit flips, byte inserts and deletes, repeats,
/// splices of two corpus entries, dictionary tokens (CR/LF games, framing headers) and
/// interesting numbers put in place of the digits already there (huge lengths, hex edges).
public struct FuzzMutator: Sendable {
    /// Tokens that matter to the format being fuzzed.
    public var dictionary: [[UInt8]]
    /// Numbers to swap in for a run of (hex) digits.
    public var numbers: [[UInt8]]
    /// Inputs grow no larger than this.
    public var maxLength: Int

    public init(dictionary: [String], numbers: [String] = FuzzMutator.interestingNumbers, maxLength: Int = 8 * 1024) {
        self.dictionary = dictionary.map { Array($0.utf8) }
        self.numbers = numbers.map { Array($0.utf8) }
        self.maxLength = maxLength
    }

    /// Lengths and chunk sizes that sit on the edges: zero, negatives, Int overflow in decimal
    /// and hex, leading zeros, and values just past common limits.
    public static let interestingNumbers = [
        "0", "00", "1", "-1", "+1", "0x10", "007", "65535", "65536", "65537", "1048576", "2147483647", "2147483648",
        "4294967296", "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
        "999999999999999999", "9999999999999999999999999", "7fffffffffffffff", "8000000000000000",
        "ffffffffffffffff", "fffffffffffffff", "10000000000000000", "0000000000000001", "1e3", "1.5", " 1", "1 ",
        "1,1", "1, 2", "", "FFFFFFFF", "1;ext", "1 ;x=y", "-0",
    ]

    /// One to four mutations of `input`, sometimes spliced with another corpus entry.
    public func mutate(_ input: [UInt8], corpus: [[UInt8]], rng: inout FuzzRandom) -> [UInt8] {
        var out = input
        for _ in 0...rng.below(4) { mutateOnce(&out, corpus: corpus, rng: &rng) }
        if out.count > maxLength { out.removeLast(out.count - maxLength) }
        return out
    }

    private func mutateOnce(_ b: inout [UInt8], corpus: [[UInt8]], rng: inout FuzzRandom) {
        let pos = rng.below(b.count + 1)
        switch rng.below(11) {
        case 0 where !b.isEmpty:  // flip a bit
            let i = rng.below(b.count)
            b[i] ^= UInt8(1) << UInt8(rng.below(8))
        case 1 where !b.isEmpty:  // set a byte, favouring the bytes parsers care about
            let special: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x20, 0x22, 0x2C, 0x3A, 0x3B, 0x5C, 0x7F, 0x80, 0xFF]
            b[rng.below(b.count)] = rng.oneIn(2) ? special[rng.below(special.count)] : UInt8(truncatingIfNeeded: rng.next())
        case 2:  // insert random bytes
            let n = 1 + rng.below(8)
            b.insert(contentsOf: (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: pos)
        case 3 where !b.isEmpty:  // delete a range
            let n = 1 + rng.below(min(b.count - min(pos, b.count - 1), 16))
            let s = min(pos, b.count - 1)
            b.removeSubrange(s..<min(b.count, s + n))
        case 4 where !b.isEmpty:  // repeat a range (pipelining, repeated headers, long lines)
            let s = rng.below(b.count)
            let e = min(b.count, s + 1 + rng.below(64))
            let times = rng.oneIn(8) ? 50 + rng.below(500) : 1 + rng.below(3)
            let piece = Array(b[s..<e])
            for _ in 0..<times where b.count < maxLength { b.insert(contentsOf: piece, at: e) }
        case 5 where !corpus.isEmpty:  // splice: a head of this input with a tail of another
            let other = corpus[rng.below(corpus.count)]
            let cut = rng.below(other.count + 1)
            b = Array(b[..<pos]) + other[cut...]
        case 6 where !corpus.isEmpty:  // insert a slice of another entry
            let other = corpus[rng.below(corpus.count)]
            let s = rng.below(other.count + 1)
            let e = min(other.count, s + rng.below(128))
            b.insert(contentsOf: other[s..<e], at: pos)
        case 7...8 where !dictionary.isEmpty:  // a dictionary token
            let token = dictionary[rng.below(dictionary.count)]
            if rng.oneIn(3), !b.isEmpty {
                let s = min(pos, b.count - 1)
                b.replaceSubrange(s..<min(b.count, s + token.count), with: token)
            } else {
                b.insert(contentsOf: token, at: pos)
            }
        case 9 where !numbers.isEmpty:  // replace a run of digits with an interesting number
            let starts = b.indices.filter { Self.isHexDigit(b[$0]) && ($0 == 0 || !Self.isHexDigit(b[$0 - 1])) }
            guard !starts.isEmpty else { return b.insert(contentsOf: numbers[rng.below(numbers.count)], at: pos) }
            let s = starts[rng.below(starts.count)]
            var e = s
            while e < b.count, Self.isHexDigit(b[e]) { e += 1 }
            b.replaceSubrange(s..<e, with: numbers[rng.below(numbers.count)])
        default:  // CR/LF games: swap a line ending for a bare LF, a bare CR, or a doubled one
            let ends = b.indices.filter { b[$0] == 0x0A }
            guard !ends.isEmpty else { return b.insert(contentsOf: [0x0D, 0x0A], at: pos) }
            let i = ends[rng.below(ends.count)]
            let hasCR = i > 0 && b[i - 1] == 0x0D
            let range = hasCR ? (i - 1)..<(i + 1) : i..<(i + 1)
            let games: [[UInt8]] = [[0x0A], [0x0D], [0x0D, 0x0A, 0x0D, 0x0A], [0x0D, 0x0D, 0x0A], [0x0D, 0x0A, 0x20], [0x0D, 0x0A, 0x09], []]
            b.replaceSubrange(range, with: games[rng.below(games.count)])
        }
    }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c)
    }
}
