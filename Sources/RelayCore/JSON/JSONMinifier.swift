/// Checks that bytes are one JSON text and, when it spans lines, copies it without the
/// whitespace between tokens, without building a tree: tokens are kept exactly as written. It
/// accepts what `JSONParser` accepts (same grammar, same nesting limit) and, stricter than
/// the parser, only well-formed UTF-8, so its output can be embedded in a JSON line as is.
public enum JSONMinifier {
    /// `bytes` on one line: the same bytes when they hold no line break, else a copy without
    /// the whitespace between tokens; nil when they are not one well-formed JSON text.
    public static func compact(_ bytes: [UInt8]) -> [UInt8]? {
        guard !bytes.isEmpty else { return nil }
        // Checked first; on one line already (spaces and tabs may stay), the same array.
        let check = bytes.withUnsafeBufferPointer { b -> (valid: Bool, lineBreak: Bool) in
            var w = Walker(b: b, out: nil)
            return (w.walk() != nil, w.sawLineBreak)
        }
        guard check.valid else { return nil }
        guard check.lineBreak else { return bytes }
        return [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, count in
            count = bytes.withUnsafeBufferPointer { b in
                var w = Walker(b: b, out: buffer.baseAddress)
                return w.walk() ?? 0
            }
        }
    }

    /// Whether `bytes` are one well-formed JSON text (what `compact` accepts), checked without
    /// copying or building anything: the recording reader's first look at every line.
    public static func isWellFormed(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !bytes.isEmpty else { return false }
        var w = Walker(b: bytes, out: nil)
        return w.walk() != nil
    }

    private struct Walker {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0
        /// Where the compact copy goes (nil: check only). Bytes from `runStart` on are still
        /// to be copied; whitespace between tokens ends a run.
        let out: UnsafeMutablePointer<UInt8>?
        var written = 0
        var runStart = 0

        init(b: UnsafeBufferPointer<UInt8>, out: UnsafeMutablePointer<UInt8>?) {
            self.b = b
            self.out = out
        }

        /// Checks the whole input; the number of bytes written (or that would be), nil when invalid.
        mutating func walk() -> Int? {
            skipWhitespace()
            guard value(depth: 0) else { return nil }
            skipWhitespace()
            guard i == b.count else { return nil }
            flush(upTo: b.count)
            return written
        }

        mutating func flush(upTo end: Int) {
            let n = end - runStart
            if n > 0, let out, let base = b.baseAddress { (out + written).update(from: base + runStart, count: n) }
            written += n
        }

        /// Whether whitespace between tokens held a line break (checking pass).
        var sawLineBreak = false

        mutating func skipWhitespace() {
            guard i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 else { return }
            flush(upTo: i)
            while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 {
                if b[i] == 0x0A || b[i] == 0x0D { sawLineBreak = true }
                i += 1
            }
            runStart = i
        }

        mutating func value(depth: Int) -> Bool {
            guard i < b.count else { return false }
            switch b[i] {
            case UInt8(ascii: "{"): return container(close: UInt8(ascii: "}"), keyed: true, depth: depth + 1)
            case UInt8(ascii: "["): return container(close: UInt8(ascii: "]"), keyed: false, depth: depth + 1)
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default: return number()
            }
        }

        /// An object (members `"key": value`) or an array, from its opening bracket.
        mutating func container(close: UInt8, keyed: Bool, depth: Int) -> Bool {
            guard depth <= JSONParser.maxDepth else { return false }
            i += 1
            skipWhitespace()
            if i < b.count, b[i] == close {
                i += 1
                return true
            }
            while true {
                if keyed {
                    guard i < b.count, b[i] == UInt8(ascii: "\""), string() else { return false }
                    skipWhitespace()
                    guard i < b.count, b[i] == UInt8(ascii: ":") else { return false }
                    i += 1
                    skipWhitespace()
                }
                guard value(depth: depth) else { return false }
                skipWhitespace()
                guard i < b.count else { return false }
                if b[i] == close {
                    i += 1
                    return true
                }
                guard b[i] == UInt8(ascii: ",") else { return false }
                i += 1
                skipWhitespace()
            }
        }

        /// `true`, `false` or `null`, compared with the bytes in place.
        @inline(__always)
        mutating func literal(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard b.count - i >= n else { return false }
            let w = word.utf8Start
            for k in 0..<n where b[i + k] != w[k] { return false }
            i += n
            return true
        }

        /// A string with its quotes, escapes checked and kept as written.
        mutating func string() -> Bool {
            i += 1
            while i < b.count {
                // Eight bytes at a time to the first that is not plain ASCII (a quote, a
                // backslash, a control or a high byte), which is then looked at alone.
                if b.count - i >= 8, let base = b.baseAddress {
                    let special = Self.specialBytes(ByteSearch.word(base, at: i))
                    if special == 0 {
                        i += 8
                        continue
                    }
                    i += special.trailingZeroBitCount >> 3
                }
                let c = b[i]
                if c == UInt8(ascii: "\"") {
                    i += 1
                    return true
                }
                if c < 0x20 { return false }
                if c == UInt8(ascii: "\\") {
                    guard i + 1 < b.count else { return false }
                    switch b[i + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        i += 2
                    case UInt8(ascii: "u"):
                        guard let unit = hex4(at: i + 2) else { return false }
                        i += 6
                        // Like the parser: a high surrogate followed by `\u` needs a low one.
                        if (0xD800..<0xDC00).contains(unit), b.count - i >= 6, b[i] == UInt8(ascii: "\\"),
                            b[i + 1] == UInt8(ascii: "u")
                        {
                            guard let low = hex4(at: i + 2), (0xDC00..<0xE000).contains(low) else { return false }
                            i += 6
                        }
                    default:
                        return false
                    }
                    continue
                }
                if c < 0x80 {
                    i += 1
                    continue
                }
                guard let n = Self.utf8SequenceLength(b, at: i) else { return false }
                i += n
            }
            return false
        }

        /// A number by RFC 8259's grammar, copied as written.
        mutating func number() -> Bool {
            if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < b.count, Self.isDigit(b[i]) else { return false }
            if b[i] == UInt8(ascii: "0") { i += 1 } else { while i < b.count, Self.isDigit(b[i]) { i += 1 } }
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                guard i < b.count, Self.isDigit(b[i]) else { return false }
                while i < b.count, Self.isDigit(b[i]) { i += 1 }
            }
            if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
                i += 1
                if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
                guard i < b.count, Self.isDigit(b[i]) else { return false }
                while i < b.count, Self.isDigit(b[i]) { i += 1 }
            }
            return true
        }

        /// The value of four hex digits at `at`, or nil.
        func hex4(at: Int) -> UInt32? {
            guard b.count - at >= 4 else { return nil }
            var v: UInt32 = 0
            for k in at..<(at + 4) {
                let c = b[k]
                guard Self.isHexDigit(c) else { return nil }
                v = v << 4 | UInt32(Self.isDigit(c) ? c &- UInt8(ascii: "0") : (c | 0x20) &- UInt8(ascii: "a") &+ 10)
            }
            return v
        }

        /// The high bit of each of the eight bytes in `x` that may be a quote, a backslash,
        /// below 0x20 or above 0x7F; zero when none is. The lowest bit set is always exact.
        @inline(__always)
        static func specialBytes(_ x: UInt64) -> UInt64 {
            ByteSearch.equal(0x22, in: x) | ByteSearch.equal(0x5C, in: x) | ByteSearch.below(0x20, in: x) | (x & ByteSearch.highs)
        }

        static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

        static func isHexDigit(_ c: UInt8) -> Bool {
            isDigit(c) || (c | 0x20) &- UInt8(ascii: "a") < 6
        }

        /// The length of the well-formed UTF-8 sequence starting with a non-ASCII byte at `i`
        /// (no overlongs, no surrogates, nothing past U+10FFFF), or nil.
        static func utf8SequenceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
            let c = b[i]
            let n: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: n = 2
            case 0xE0: n = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: n = 3
            case 0xED: n = 3; high = 0x9F
            case 0xF0: n = 4; low = 0x90
            case 0xF1...0xF3: n = 4
            case 0xF4: n = 4; high = 0x8F
            default: return nil
            }
            guard b.count - i >= n, (low...high).contains(b[i + 1]) else { return nil }
            for k in 2..<n where b[i + k] & 0xC0 != 0x80 { return nil }
            return n
        }
    }
}
