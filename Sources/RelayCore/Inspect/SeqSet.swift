/// A set of sequence numbers that costs a bit each for the usual ones (small, not negative)
/// and a hash entry only for the others, so that counting distinct seqs of a large recording
/// keeps memory flat.
struct SeqSet {
    /// Seqs below this live in `bits`.
    static let bitLimit = 1 << 24
    private var bits: [UInt64] = []
    private var others: Set<Int> = []

    /// Adds `seq`; true when it was not there yet.
    mutating func insert(_ seq: Int) -> Bool {
        guard seq >= 0, seq < Self.bitLimit else { return others.insert(seq).inserted }
        let word = seq >> 6
        if word >= bits.count { bits += repeatElement(0, count: max(word + 1 - bits.count, bits.count)) }
        let mask: UInt64 = 1 << UInt64(seq & 63)
        defer { bits[word] |= mask }
        return bits[word] & mask == 0
    }
}
