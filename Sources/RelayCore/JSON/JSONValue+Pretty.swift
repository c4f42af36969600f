extension JSONValue {
    /// Indented JSON text for files people read (HAR exports, golden files): two spaces per
    /// level, `"key": value`, keys in their stored order, empty containers as `[]` and `{}`.
    public func prettySerialized(indent: Int = 2) -> [UInt8] {
        var out: [UInt8] = []
        writePretty(to: &out, level: 0, indent: indent)
        out.append(0x0A)
        return out
    }

    func writePretty(to out: inout [UInt8], level: Int, indent: Int) {
        func newline(_ l: Int) {
            out.append(0x0A)
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: l * indent))
        }
        switch self {
        case .array(let a) where !a.isEmpty:
            out.append(UInt8(ascii: "["))
            for (n, e) in a.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                newline(level + 1)
                e.writePretty(to: &out, level: level + 1, indent: indent)
            }
            newline(level)
            out.append(UInt8(ascii: "]"))
        case .object(let o) where !o.isEmpty:
            out.append(UInt8(ascii: "{"))
            for (n, (k, v)) in o.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                newline(level + 1)
                Self.writeString(k, to: &out)
                out.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
                v.writePretty(to: &out, level: level + 1, indent: indent)
            }
            newline(level)
            out.append(UInt8(ascii: "}"))
        default:
            write(to: &out)
        }
    }
}
