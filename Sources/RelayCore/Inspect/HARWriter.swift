/// Writes a HAR document one entry at a time, in exactly the bytes `HARExporter.har(…)`
/// pretty-printed would have: the document is never held whole, so a recording of any size
/// exports with flat memory.
public struct HARWriter {
    private let exporter: HARExporter
    /// When `tMs` counts from (milliseconds since the epoch).
    private let baseMs: Int
    /// The document up to the first entry, and after the last one.
    private let head: [UInt8]
    private let tail: [UInt8]
    /// The whole document for a recording with no exchange (`"entries": []`).
    private let empty: [UInt8]
    /// Entries written so far.
    public private(set) var entryCount = 0

    /// Where entries sit in the pretty document: `{ "log": { "entries": [ here`.
    static let entryLevel = 3

    public init(exporter: HARExporter, created: String, comment: String? = nil) {
        self.exporter = exporter
        baseMs = ISOTimestamp.parse(created) ?? 0
        empty = exporter.har([], created: created, comment: comment).prettySerialized()
        // The document around one placeholder entry, cut at the placeholder.
        let marker = "\u{1}entry\u{1}"
        let framed = Self.replacingEntries(of: exporter.har([], created: created, comment: comment), with: .string(marker))
            .prettySerialized()
        let markerBytes = JSONValue.string(marker).serialized()
        let at = framed.indices.first { framed[$0...].starts(with: markerBytes) }!
        head = Array(framed[..<at])
        tail = Array(framed[(at + markerBytes.count)...])
    }

    /// The bytes for the next exchange (the document's beginning comes with the first).
    public mutating func entry(_ e: RecordedExchange) -> [UInt8] {
        var out: [UInt8] = []
        if entryCount == 0 {
            out = head
        } else {
            out.append(UInt8(ascii: ","))
            out.append(0x0A)
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: Self.entryLevel * 2))
        }
        entryCount += 1
        exporter.entry(e, startedMs: baseMs + e.tMs).writePretty(to: &out, level: Self.entryLevel, indent: 2)
        return out
    }

    /// The bytes that end the document (the whole document when no entry was written).
    public func finish() -> [UInt8] {
        entryCount == 0 ? empty : tail
    }

    private static func replacingEntries(of har: JSONValue, with entry: JSONValue) -> JSONValue {
        guard case .object(var top) = har, case .object(var log)? = top["log"] else { return har }
        log["entries"] = .array([entry])
        top["log"] = .object(log)
        return .object(top)
    }
}
