/// One header line as it arrived: name spelling and order are kept.
public struct HTTPField: Sendable, Hashable {
    /// Name as sent (compare case-insensitively).
    public var name: String
    /// Value with surrounding whitespace removed.
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// An ordered list of header fields. Duplicates are kept in order (`Set-Cookie` must never be
/// joined); look-ups ignore case.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// The fields in order.
    public private(set) var fields: [HTTPField]

    public init(_ fields: [HTTPField] = []) { self.fields = fields }

    public init(_ pairs: [(String, String)]) { self.fields = pairs.map { HTTPField(name: $0.0, value: $0.1) } }

    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    public func makeIterator() -> IndexingIterator<[HTTPField]> { fields.makeIterator() }

    /// Number of fields.
    public var count: Int { fields.count }

    /// The first value for `name`, ignoring case.
    public subscript(name: String) -> String? {
        for f in fields where Self.equalsIgnoringCase(f.name, name) { return f.value }
        return nil
    }

    /// Every value for `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { Self.equalsIgnoringCase($0.name, name) }.map(\.value)
    }

    /// Whether a field named `name` exists.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Appends a field.
    public mutating func add(_ name: String, _ value: String) { fields.append(HTTPField(name: name, value: value)) }

    /// Removes every field named `name`.
    public mutating func remove(_ name: String) { fields.removeAll { Self.equalsIgnoringCase($0.name, name) } }

    /// Removes the fields for which `predicate` holds.
    public mutating func removeAll(where predicate: (HTTPField) -> Bool) { fields.removeAll(where: predicate) }

    /// Replaces every field named `name` by one field with `value` at the first one's place.
    public mutating func set(_ name: String, _ value: String) {
        if let i = fields.firstIndex(where: { Self.equalsIgnoringCase($0.name, name) }) {
            fields[i].value = value
            var j = fields.count - 1
            while j > i {
                if Self.equalsIgnoringCase(fields[j].name, name) { fields.remove(at: j) }
                j -= 1
            }
        } else {
            add(name, value)
        }
    }

    /// The comma-separated tokens of every `name` field, lowercased (`Connection: keep-alive, Upgrade`).
    public func tokens(for name: String) -> [String] {
        values(for: name).flatMap { $0.split(separator: ",") }
            .map { $0.trimmingASCIIWhitespace().lowercased() }
            .filter { !$0.isEmpty }
    }

    /// Whether a comma-separated `name` field lists `token`, ignoring ASCII case and the
    /// spaces around it (`Connection: keep-alive, Upgrade` has `upgrade`), without allocating.
    public func hasToken(_ token: String, for name: String) -> Bool {
        for f in fields where Self.equalsIgnoringCase(f.name, name) {
            var value = f.value
            var wanted = token
            let found = value.withUTF8 { v in
                wanted.withUTF8 { t in
                    var start = 0
                    while start <= v.count {
                        var end = start
                        while end < v.count, v[end] != UInt8(ascii: ",") { end += 1 }
                        var s = start
                        var e = end
                        while s < e, v[s] == 0x20 || v[s] == 0x09 { s += 1 }
                        while e > s, v[e - 1] == 0x20 || v[e - 1] == 0x09 { e -= 1 }
                        if e - s == t.count, Self.equalsIgnoringCase(UnsafeBufferPointer(rebasing: v[s..<e]), t) { return true }
                        start = end + 1
                    }
                    return false
                }
            }
            if found { return true }
        }
        return false
    }

    /// ASCII case-insensitive comparison of two byte runs of the same length.
    @inline(__always)
    static func equalsIgnoringCase(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        for i in 0..<a.count where a[i] != b[i] {
            let x = a[i] | 0x20
            guard x == b[i] | 0x20, x >= UInt8(ascii: "a"), x <= UInt8(ascii: "z") else { return false }
        }
        return true
    }

    /// ASCII case-insensitive comparison, without allocating: lengths first, then the bytes.
    @inline(__always)
    public static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        var a = a
        var b = b
        return a.withUTF8 { x in b.withUTF8 { y in equalsIgnoringCase(x, y) } }
    }
}

extension String {
    /// Whether `needle` (ASCII, lower case) occurs in the string ignoring ASCII case, as in
    /// a media type check (`application/JSON; charset=utf-8` contains `json`). No allocation.
    public func containsIgnoringASCIICase(_ needle: StaticString) -> Bool { findIgnoringASCIICase(needle, atStartOnly: false) }

    /// Whether the string starts with `prefix` (ASCII, lower case) ignoring ASCII case
    /// (`Text/Event-Stream; charset=utf-8` starts with `text/event-stream`). No allocation.
    public func hasPrefixIgnoringASCIICase(_ prefix: StaticString) -> Bool { findIgnoringASCIICase(prefix, atStartOnly: true) }

    private func findIgnoringASCIICase(_ needle: StaticString, atStartOnly: Bool) -> Bool {
        var s = self
        return s.withUTF8 { h in
            let n = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
            guard n.count <= h.count else { return false }
            for i in 0...(atStartOnly ? 0 : h.count - n.count) {
                var k = 0
                while k < n.count, (h[i + k] | (h[i + k] &- 0x41 < 26 ? 0x20 : 0)) == n[k] { k += 1 }
                if k == n.count { return true }
            }
            return false
        }
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces and tabs.
    public func trimmingASCIIWhitespace() -> String {
        let u = Array(utf8)
        var s = 0
        var e = u.count
        while s < e, u[s] == 0x20 || u[s] == 0x09 { s += 1 }
        while e > s, u[e - 1] == 0x20 || u[e - 1] == 0x09 { e -= 1 }
        return String(decoding: u[s..<e], as: UTF8.self)
    }
}
