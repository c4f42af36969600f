import Synchronization

/// Every credential the relay has seen, and every occurrence of one replaced by `***` in what
/// the relay writes (the trace, the logs, a recording, the control API). Header names alone
/// miss a server that echoes the `Authorization` value back, or a token in a query or a body:
/// this finds the values themselves, wherever they turn up. Forwarded traffic never passes
/// through it.
///
/// Values under `minimumLength` bytes are not learned: `***` must not eat ordinary text.
/// Learning and scrubbing may happen on any thread.
public final class SecretScrubber: Sendable {
    /// The shortest value learned, in bytes. Every pattern is at least this long, so the search
    /// can look at eight bytes at a time.
    public static let minimumLength = 8
    /// What replaces a secret.
    public static let mask: [UInt8] = Array("***".utf8)

    private let table = Locked(SecretTable())
    /// Whether anything was learned: until then scrubbing costs this one load and a branch.
    private let hasSecrets = Atomic<Bool>(false)

    public init() {}

    /// Whether no secret is known (nothing is ever scrubbed then).
    public var isEmpty: Bool { !hasSecrets.load(ordering: .acquiring) }

    /// Remembers `secret` and the forms it takes in a URL (percent-encoded) and in JSON
    /// (escaped, with and without `\/`), when it is long enough. Returns whether it was new.
    @discardableResult
    public func learn(_ secret: some StringProtocol) -> Bool {
        guard secret.utf8.count >= Self.minimumLength else { return false }
        let text = String(secret)
        // Most requests carry a credential seen before: that costs a set lookup, no copy.
        let added = table.withLock { t -> Bool in
            guard t.insertLearned(text) else { return false }
            let raw = Array(text.utf8)
            t.add(raw)
            t.add(Self.percentEncoded(raw))
            let json = Self.jsonEscaped(text)
            t.add(json)
            // Some servers escape slashes in JSON (`a\/b`), and base64 tokens hold slashes.
            if raw.contains(UInt8(ascii: "/")) { t.add(Self.escapingSlashes(json)) }
            return true
        }
        if added { hasSecrets.store(true, ordering: .releasing) }
        return added
    }

    /// `bytes` with every known secret replaced by `***`; `bytes` itself, uncopied, when none
    /// occurs. Overlapping and adjacent occurrences become one `***`.
    public func scrub(_ bytes: [UInt8]) -> [UInt8] {
        if isEmpty { return bytes }
        let t = table.withLock { $0 }
        return bytes.withUnsafeBufferPointer { t.scrubbed($0) } ?? bytes
    }

    /// `text` with every known secret replaced by `***`.
    public func scrub(_ text: String) -> String {
        if isEmpty { return text }
        let t = table.withLock { $0 }
        var text = text
        guard let out = text.withUTF8({ t.scrubbed($0) }) else { return text }
        return String(decoding: out, as: UTF8.self)
    }

    /// Scrubs `bytes[start...]` in place (a line just appended to a buffer).
    public func scrub(_ bytes: inout [UInt8], from start: Int) {
        if isEmpty || start >= bytes.count { return }
        let t = table.withLock { $0 }
        guard let out = bytes.withUnsafeBufferPointer({ b in t.scrubbed(UnsafeBufferPointer(rebasing: b[start...])) })
        else { return }
        bytes.replaceSubrange(start..., with: out)
    }

    /// How many byte patterns are searched for (each secret in its raw, URL and JSON forms).
    public var patternCount: Int { table.withLock { $0.patterns.count } }

    /// Unreserved characters (RFC 3986 §2.3) stay, everything else becomes `%XX`.
    static func percentEncoded(_ raw: [UInt8]) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        for c in raw {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(c)
            default: out += [UInt8(ascii: "%"), hex[Int(c >> 4)], hex[Int(c & 0x0F)]]
            }
        }
        return out
    }

    /// `/` written as `\/`.
    static func escapingSlashes(_ json: [UInt8]) -> [UInt8] {
        json.flatMap { $0 == UInt8(ascii: "/") ? [UInt8(ascii: "\\"), $0] : [$0] }
    }

    /// The string as the project's JSON writer puts it between quotes.
    static func jsonEscaped(_ s: String) -> [UInt8] {
        let quoted = JSONValue.string(s).serialized()
        return Array(quoted.dropFirst().dropLast())
    }
}

/// The patterns, indexed by their first eight bytes. A value type: a scrub takes a copy (the
/// arrays are shared, not copied) and searches without holding the lock.
struct SecretTable: Sendable {
    /// Secrets as learned, so that one seen again costs a set lookup.
    private var learned: Set<String> = []
    private(set) var patterns: [[UInt8]] = []
    /// Pattern indices by first eight bytes, longest pattern first.
    private var byPrefix: [UInt64: [Int]] = [:]
    /// One bit per hash of a prefix: most positions are passed over by one bit test.
    private var filter = [UInt64](repeating: 0, count: 64)

    mutating func insertLearned(_ secret: String) -> Bool { learned.insert(secret).inserted }

    /// Adds one byte pattern (at least eight bytes); a duplicate is ignored.
    mutating func add(_ p: [UInt8]) {
        guard p.count >= 8 else { return }
        let key = p.withUnsafeBufferPointer { ByteSearch.word($0.baseAddress!, at: 0) }
        if byPrefix[key]?.contains(where: { patterns[$0] == p }) == true { return }
        patterns.append(p)
        var list = byPrefix[key] ?? []
        list.append(patterns.count - 1)
        list.sort { patterns[$0].count > patterns[$1].count }
        byPrefix[key] = list
        let h = Self.hash(key)
        filter[h >> 6] |= 1 << UInt64(h & 63)
    }

    @inline(__always)
    static func hash(_ word: UInt64) -> Int { Int(truncatingIfNeeded: (word &* 0x9E37_79B9_7F4A_7C15) >> 52) }

    /// `b` with every occurrence replaced, or nil when nothing occurs. One pass: at each
    /// position the eight bytes there are looked up in the filter, and only a hit is compared.
    func scrubbed(_ b: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard b.count >= 8, let base = b.baseAddress else { return nil }
        var out: [UInt8]? = nil
        var copied = 0
        var runStart = -1
        var runEnd = -1
        var i = 0
        let last = b.count - 8
        while i <= last {
            let w = ByteSearch.word(base, at: i)
            let h = Self.hash(w)
            if filter[h >> 6] & 1 << UInt64(h & 63) != 0, let candidates = byPrefix[w] {
                for index in candidates {
                    let p = patterns[index]
                    guard i + p.count <= b.count, p.count > runEnd - i else { continue }
                    if p.withUnsafeBufferPointer({ memcmpEqual(base + i, $0.baseAddress!, $0.count) }) {
                        if runStart >= 0, runEnd >= i {
                            runEnd = i + p.count
                        } else {
                            if runStart >= 0 { flush(b, &out, &copied, runStart, runEnd) }
                            runStart = i
                            runEnd = i + p.count
                        }
                        break
                    }
                }
            }
            i += 1
        }
        guard runStart >= 0 else { return nil }
        flush(b, &out, &copied, runStart, runEnd)
        out!.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied...]))
        return out
    }

    /// Copies what precedes the run, then the mask in its place.
    private func flush(_ b: UnsafeBufferPointer<UInt8>, _ out: inout [UInt8]?, _ copied: inout Int, _ start: Int, _ end: Int) {
        if out == nil { out = []; out!.reserveCapacity(b.count) }
        out!.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<start]))
        out!.append(contentsOf: SecretScrubber.mask)
        copied = end
    }

    @inline(__always)
    private func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
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
