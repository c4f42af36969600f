/// A shell-style pattern: `*` any run of characters, `?` one character, everything else
/// literal. `Email/*` matches `Email/get`; `/jmap/*` matches `/jmap/api/`.
public struct Glob: Sendable, Equatable, CustomStringConvertible {
    public let pattern: String
    private let chars: [Character]
    private let literal: Bool
    /// The bytes before the first wildcard: most non-matching names fail here, without
    /// allocating (ten rules that never match must cost next to nothing).
    private let prefix: [UInt8]

    public init(_ pattern: String) {
        self.pattern = pattern
        self.chars = Array(pattern)
        self.literal = !pattern.contains("*") && !pattern.contains("?")
        self.prefix = Array(pattern.utf8.prefix { $0 != UInt8(ascii: "*") && $0 != UInt8(ascii: "?") })
    }

    public var description: String { pattern }

    public static func == (a: Glob, b: Glob) -> Bool { a.pattern == b.pattern }

    /// Whether `text` matches the whole pattern.
    public func matches<S: StringProtocol>(_ text: S) -> Bool {
        if literal { return text == pattern }
        guard text.utf8.starts(with: prefix) else { return false }
        let t = Array(text)
        var p = 0, s = 0, star = -1, mark = 0
        while s < t.count {
            if p < chars.count, chars[p] == "?" || chars[p] == t[s] {
                p += 1
                s += 1
            } else if p < chars.count, chars[p] == "*" {
                star = p
                mark = s
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                s = mark
            } else {
                return false
            }
        }
        while p < chars.count, chars[p] == "*" { p += 1 }
        return p == chars.count
    }
}
