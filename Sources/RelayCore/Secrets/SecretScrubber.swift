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
        // Most requests carry a credential seen before: that costs one set lookup.
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
