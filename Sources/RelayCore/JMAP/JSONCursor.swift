/// A forward-only walk over JSON bytes for scanners: visit members and elements, read the
/// strings you need, skip the rest. Every method returns false on malformed input, never traps.
struct JSONCursor {
    private let b: UnsafeRawBufferPointer
    private var i = 0
    private var depth = 0

    init(_ b: UnsafeRawBufferPointer) { self.b = b }

    private mutating func ws() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    /// Whether the next value is `null` (without consuming it).
    mutating func peekNull() -> Bool {
        ws()
        return i < b.count && b[i] == UInt8(ascii: "n")
    }

    /// Calls `body` for each member of an object, positioned at its value; `body` must consume it.
    mutating func eachMember(_ body: (inout JSONCursor, String) -> Bool) -> Bool {
        members(readingKeys: true) { c, key in body(&c, key ?? "") }
    }

    /// Walks an object's members; keys are built only when `readingKeys` (skipped otherwise).
    private mutating func members(readingKeys: Bool, _ body: (inout JSONCursor, String?) -> Bool) -> Bool {
        ws()
        guard i < b.count, b[i] == UInt8(ascii: "{"), depth < 256 else { return false }
        i += 1
        depth += 1
        defer { depth -= 1 }
        ws()
        if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return true }
        while true {
            ws()
            var key: String?
            if readingKeys {
                guard let k = string() else { return false }
                key = k
            } else {
                guard skipString() else { return false }
            }
            ws()
            guard i < b.count, b[i] == UInt8(ascii: ":") else { return false }
            i += 1
            guard body(&self, key) else { return false }
            ws()
            guard i < b.count else { return false }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "}") { i += 1; return true }
            return false
        }
    }

    /// Calls `body` for each element of an array; `body` must consume it.
    mutating func eachElement(_ body: (inout JSONCursor) -> Bool) -> Bool {
        eachElement { c, _ in body(&c) }
    }

    /// The same, with each element's index (no counter captured by the caller's closure).
    mutating func eachElement(_ body: (inout JSONCursor, Int) -> Bool) -> Bool {
        ws()
        guard i < b.count, b[i] == UInt8(ascii: "["), depth < 256 else { return false }
        i += 1
        depth += 1
        defer { depth -= 1 }
        ws()
        if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return true }
        var index = 0
        while true {
            guard body(&self, index) else { return false }
            index += 1
            ws()
            guard i < b.count else { return false }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "]") { i += 1; return true }
            return false
        }
    }

    /// Where the next value lies (consumed), or nil when there is none.
    mutating func rawValue() -> Range<Int>? {
        ws()
        let start = i
        guard skipValue() else { return nil }
        return start..<i
    }

    /// Reads a number written as a plain integer that fits in `Int`; nil (and nothing consumed)
    /// for anything else, including a fraction or an exponent.
    mutating func plainInt() -> Int? {
        ws()
        let start = i
        var j = i
        let negative = j < b.count && b[j] == UInt8(ascii: "-")
        if negative { j += 1 }
        var v = 0
        let digitsStart = j
        while j < b.count, b[j] &- UInt8(ascii: "0") < 10, j - digitsStart < 18 {
            v = v &* 10 &+ Int(b[j] &- UInt8(ascii: "0"))
            j += 1
        }
        guard j > digitsStart, j == b.count || !Self.continuesNumber(b[j]) else {
            i = start
            return nil
        }
        i = j
        return negative ? -v : v
    }

    /// Bytes that may follow the digits of a number that is not a plain integer.
    private static func continuesNumber(_ c: UInt8) -> Bool {
        c &- UInt8(ascii: "0") < 10 || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
    }

    /// The index of the next byte to read.
    var position: Int { i }

    /// Reads a string value; nil (and nothing consumed) when the next value is not a string.
    mutating func string() -> String? {
        ws()
        guard i < b.count, b[i] == UInt8(ascii: "\"") else { return nil }
        let start = i
        i += 1
        var escaped = false
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\\") { escaped = true; i += 2; continue }
            if c == UInt8(ascii: "\"") {
                i += 1
                if !escaped { return String(decoding: UnsafeRawBufferPointer(rebasing: b[(start + 1)..<(i - 1)]), as: UTF8.self) }
                return (try? JSONParser.parse(UnsafeRawBufferPointer(rebasing: b[start..<i])))?.stringValue
            }
            i += 1
        }
        i = start
        return nil
    }

    /// Skips a string without building it (keys and values nobody reads), eight bytes at a
    /// time to its closing quote or next backslash.
    private mutating func skipString() -> Bool {
        ws()
        guard i < b.count, b[i] == UInt8(ascii: "\"") else { return false }
        let start = i
        i += 1
        let bytes = b.assumingMemoryBound(to: UInt8.self)
        while let j = ByteSearch.first(UInt8(ascii: "\""), orElse: UInt8(ascii: "\\"), in: bytes, from: i, to: b.count) {
            if b[j] == UInt8(ascii: "\\") {
                i = j + 2
                continue
            }
            i = j + 1
            return true
        }
        i = start
        return false
    }

    /// Skips one value of any kind.
    mutating func skipValue() -> Bool {
        ws()
        guard i < b.count else { return false }
        switch b[i] {
        case UInt8(ascii: "{"), UInt8(ascii: "["): return skipContainer()
        case UInt8(ascii: "\""): return skipString()
        default:
            let start = i
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]") || c == 0x20 || c == 0x0A
                    || c == 0x0D || c == 0x09 { break }
                i += 1
            }
            return i > start
        }
    }

    /// Skips an object or array whole: brackets are matched outside strings, with no call per
    /// member (the lists in an answer are most of its bytes). The bytes are read eight at a
    /// time; only those that may be a quote, a backslash or a bracket are looked at one by
    /// one. As lenient as the rest of the cursor about what lies between them.
    private mutating func skipContainer() -> Bool {
        guard let base = b.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        let n = b.count
        let limit = 256 - depth
        var end: Int?
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { open in
            var level = 0
            var inString = false
            /// The byte after a backslash in a string, which is never a quote's end.
            var escaped = -1
            /// Acts on the byte at `p`; true when the container closed there (or it is malformed:
            /// `end` stays nil).
            func look(_ p: Int) -> Bool {
                let c = base[p]
                if inString {
                    if p == escaped { return false }
                    if c == UInt8(ascii: "\\") { escaped = p + 1 } else if c == UInt8(ascii: "\"") { inString = false }
                    return false
                }
                switch c {
                case UInt8(ascii: "\""):
                    inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    guard level < limit else { return true }
                    open[level] = c
                    level += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    guard level > 0, open[level - 1] == c &- 2 else { return true }  // `{` is `}` - 2, `[` is `]` - 2
                    level -= 1
                    if level == 0 {
                        end = p + 1
                        return true
                    }
                default:
                    break  // a byte that only looked like one
                }
                return false
            }
            var p = i
            while p + 8 <= n {
                let w = ByteSearch.word(base, at: p)
                // Flags every quote, backslash and bracket (and a few bytes like them: `look`
                // checks each); none is missed. The four brackets are the bytes x for which
                // `(x | 0x20) & ~0x06 == 0x79`.
                let folded = (w | 0x20 &* ByteSearch.ones) & ~(0x06 &* ByteSearch.ones)
                var flags = ByteSearch.equal(0x22, in: w) | ByteSearch.equal(0x5C, in: w) | ByteSearch.equal(0x79, in: folded)
                while flags != 0 {
                    if look(p + (flags.trailingZeroBitCount >> 3)) { return }
                    flags &= flags &- 1
                }
                p += 8
            }
            while p < n {
                if look(p) { return }
                p += 1
            }
        }
        guard let end else { return false }
        i = end
        return true
    }
}
