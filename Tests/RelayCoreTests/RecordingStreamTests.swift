import Foundation
@testable import RelayCore
import Testing

/// Reading recordings line by line: the splitter, the cursor decoder beside the tree decoder,
/// and the HAR writer beside the whole-document exporter.
@Suite struct RecordingStreamTests {
    static let header = #"{"kind":"header","upstream":"http://a","v":1}"#

    static func exchangeLine(body: String, seq: Int = 1) -> String {
        #"{"endpoint":"api","kind":"exchange","req":{"body":"# + body
            + #","headers":[["content-type","application/json"]],"method":"POST","target":"/jmap/"},"res":{"status":200},"seq":"#
            + "\(seq)" + #","t_ms":3,"v":1}"#
    }

    /// Each line decoded by the streaming decoder, and by parsing it whole as before.
    static func bothWays(_ line: String) throws -> (fast: RecordedExchange?, tree: RecordedExchange) {
        var d = RecordingLineDecoder(blob: { _ in nil })
        let h = Array(header.utf8)
        _ = try h.withUnsafeBufferPointer { try d.decode($0, number: 1) }
        let bytes = Array(line.utf8)
        let fast = try bytes.withUnsafeBufferPointer { try d.decode($0, number: 2) }
        guard case .object(let o) = try JSONParser.parse(bytes) else { throw RecordingError(line: 2, "not an object") }
        let tree = try RecordingCodec.decodeExchange(o, line: 2, primary: Origin(url: "http://a")!, blob: { _ in nil })
        if case .exchange(let e)? = fast { return (e, tree) }
        return (nil, tree)
    }

    @Test(arguments: [
        #"{"a":1,"b":[true,false,null],"c":"x\"y\\z\n"}"#, #"{"n":1.5}"#, #"{"n":1e3}"#, #"{"n":-0}"#, #"{ "spaced" : 1 }"#,
        #"{"s":"\u00e9\/"}"#, #"{"n":12345678901234567890}"#, #"[]"#, #""text""#, "null", #"{"é":"ü"}"#,
    ])
    func theCursorDecodesBodiesAsTheTreeDoes(_ body: String) throws {
        let (fast, tree) = try Self.bothWays(Self.exchangeLine(body: body))
        #expect(fast == tree)
        #expect(fast?.requestBody == (try JSONParser.parse(Array(body.utf8))).serialized())
    }

    @Test func shippedRecordingsDecodeAsTheTreeDecodesThem() throws {
        for name in ["sync.jsonl", "fastmail-demo.jsonl", "push-demo.jsonl"] {
            let bytes = Array(try Data(contentsOf: Fixture.root.appendingPathComponent("recordings/\(name)")))
            var d = RecordingLineDecoder(blob: { _ in nil })
            var n = 0
            for line in bytes.split(separator: 0x0A) {
                n += 1
                let decoded = try Array(line).withUnsafeBufferPointer { try d.decode($0, number: n) }
                guard case .exchange(let e)? = decoded else { continue }
                guard case .object(let o) = try JSONParser.parse(Array(line)) else { continue }
                let tree = try RecordingCodec.decodeExchange(o, line: n, primary: d.header!.origins[0], blob: { _ in nil })
                #expect(e == tree, "\(name) line \(n)")
            }
        }
    }

    @Test func linesSplitAcrossBlocksKeepTheirNumbersAndOffsets() {
        let text = Array("ab\n\ncdef\ng".utf8)
        for blockSize in 1...text.count {
            var s = LineSplitter()
            var lines: [(String, LineSplitter.Location)] = []
            var start = 0
            while start < text.count {
                let end = min(start + blockSize, text.count)
                Array(text[start..<end]).withUnsafeBufferPointer { b in
                    s.feed(b) { lines.append((String(decoding: $0, as: UTF8.self), $1)) }
                }
                start = end
            }
            s.finish { lines.append((String(decoding: $0, as: UTF8.self), $1)) }
            #expect(lines.map(\.0) == ["ab", "", "cdef", "g"], "block \(blockSize)")
            #expect(lines.map(\.1.offset) == [0, 3, 4, 9])
            #expect(lines.map(\.1.number) == [1, 2, 3, 4])
        }
    }

    @Test func aTruncatedLastLineIsForgivenAndABadLineKeepsItsNumber() throws {
        let ok = Self.header + "\n" + Self.exchangeLine(body: "{}") + "\n" + #"{"kind":"exch"#
        let r = try RecordingCodec.load(Array(ok.utf8)) { _ in nil }
        #expect(r.exchanges.count == 1)
        #expect(r.warnings == ["line 3: incomplete last line dropped (the recorder was stopped mid-write)"])
        #expect(throws: RecordingError.self) { try RecordingCodec.load(Array((ok + "\n").utf8)) { _ in nil } }
        do {
            _ = try RecordingCodec.load(Array((ok + "\n").utf8)) { _ in nil }
        } catch let e as RecordingError {
            #expect(e.line == 3)
            #expect(e.message.hasPrefix("not JSON"))
        }
        #expect(throws: RecordingError(line: 1, "empty file: a recording starts with a header line")) {
            try RecordingCodec.load(Array("\n \n".utf8)) { _ in nil }
        }
    }

    @Test(arguments: ["fastmail-demo.jsonl", "sync.jsonl"])
    func theHARWriterWritesWhatTheExporterPrints(_ name: String) throws {
        let recording = try Fixture.recording(name)
        let exporter = HARExporter(creatorVersion: "test")
        var writer = HARWriter(exporter: exporter, created: recording.header.created)
        var out: [UInt8] = []
        for e in recording.exchanges { out += writer.entry(e) }
        out += writer.finish()
        #expect(out == exporter.har(recording).prettySerialized())
        let none = HARWriter(exporter: exporter, created: recording.header.created)
        #expect(none.finish() == exporter.har([], created: recording.header.created).prettySerialized())
    }
}
