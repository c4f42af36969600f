extension JSONValue {
    /// Whether well-formed JSON `bytes` already read exactly as `serialized()` would write them
    /// back: no whitespace between tokens, numbers as plain integers, and only the escapes the
    /// serializer writes (`\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`). Such bytes can stand for the
    /// value without building it; anything else is parsed and written again. Repeated keys are
    /// not looked for (the serializer keeps the last of them; these bytes keep them all).
    /// - Parameter bytes: one JSON text that `JSONMinifier` accepts.
    public static func isInSerializedForm(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        var i = 0
        while i < n {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "\""):
                // To the closing quote, checking each escape on the way.
                i += 1
                while true {
                    guard let j = ByteSearch.first(UInt8(ascii: "\""), orElse: UInt8(ascii: "\\"), in: bytes, from: i, to: n) else {
                        return false
                    }
                    if bytes[j] == UInt8(ascii: "\"") {
                        i = j + 1
                        break
                    }
                    guard j + 1 < n, Self.serializerEscapes.contains(bytes[j + 1]) else { return false }
                    i = j + 2
                }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                // `-0` reads back as `0`; more than 18 digits may not fit in an Int.
                let start = i
                if c == UInt8(ascii: "-") {
                    i += 1
                    guard i < n, bytes[i] != UInt8(ascii: "0") else { return false }
                }
                while i < n, bytes[i] &- UInt8(ascii: "0") < 10 { i += 1 }
                guard i - start <= 18 else { return false }
                if i < n, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                    return false
                }
            case 0x20, 0x09, 0x0A, 0x0D:
                return false
            default:
                i += 1
            }
        }
        return true
    }

    /// The bytes after a backslash that `writeString` produces.
    private static let serializerEscapes: Set<UInt8> = [
        UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"), UInt8(ascii: "b"),
        UInt8(ascii: "f"),
    ]
}
