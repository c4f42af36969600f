/// A whole recording normalised offline (`jmap-relay normalize`), with the same tokens a
/// recorder with `--normalize-ids` would have written: lines are taken in `seq` order (the
/// order the recorder numbered them in) and written back in file order.
extension IdNormalizer {
    /// The normalised file.
    public struct FileResult: Sendable {
        /// The new recording, header first, one line per line of the input.
        public var bytes: [UInt8]
        /// Side-stored bodies of the lines that changed (SHA-256 hex, bytes); a body that did
        /// not change keeps its SHA-256, so it may already be in the side folder.
        public var blobs: [(sha: String, bytes: [UInt8])]
        /// Every `bodyRef` the new file uses.
        public var references: Set<String>
        /// Every `bodyRef` the input used.
        public var inputReferences: Set<String>
        /// Lines read (the header included) and lines rewritten.
        public var lineCount: Int
        public var changedLineCount: Int
        /// What loading forgave (an incomplete last line, dropped).
        public var warnings: [String]
    }

    /// Normalises the recording `bytes`; `blob` reads side-stored bodies by SHA-256. Throws
    /// `RecordingError` (with the line) for a file `RecordingCodec.load` rejects; an
    /// incomplete last line it forgives is dropped.
    public mutating func normalizeFile(_ bytes: [UInt8], codec: RecordingCodec, blob: @escaping (String) -> [UInt8]?) throws -> FileResult {
        let recording = try RecordingCodec.load(bytes, blob: blob)
        let primary = recording.header.origins[0]

        enum Line {
            case verbatim
            case exchange(RecordedExchange, jmap: [String])
            case push(RecordedPush)
            case ws(RecordedWebSocketPair)
        }
        var lines: [(original: ArraySlice<UInt8>, line: Line, seq: Int, refs: [String])] = []
        var inputReferences = Set<String>()
        for (i, raw) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            if raw.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            // Load has accepted the file: a line that is not JSON is the forgiven last one.
            guard let v = try? JSONParser.parse(raw), let o = v.objectValue else { continue }
            let refs = ["req", "res"].compactMap { o[$0]?["bodyRef"]?.stringValue }
            inputReferences.formUnion(refs)
            switch o["kind"]?.stringValue {
            case "exchange":
                let e = try RecordingCodec.decodeExchange(o, line: i + 1, primary: primary, blob: blob)
                let jmap = o["jmap"]?.arrayValue?.compactMap(\.stringValue) ?? []
                lines.append((raw, .exchange(e, jmap: jmap), e.seq, refs))
            case "push":
                if let p = RecordedPush(json: o) { lines.append((raw, .push(p), p.seq, refs)) } else { lines.append((raw, .verbatim, 0, refs)) }
            case "ws":
                if let p = RecordedWebSocketPair(json: o) { lines.append((raw, .ws(p), p.seq, refs)) } else { lines.append((raw, .verbatim, 0, refs)) }
            default:
                lines.append((raw, .verbatim, 0, refs))
            }
        }

        // Tokens are handed out in seq order; lines keep their place in the file.
        var out = [[UInt8]?](repeating: nil, count: lines.count)
        var blobs: [(sha: String, bytes: [UInt8])] = []
        var references = Set<String>()
        var changed = 0
        let order = lines.indices.sorted { (lines[$0].seq, $0) < (lines[$1].seq, $1) }
        for i in order {
            switch lines[i].line {
            case .verbatim:
                break
            case .exchange(let e, let jmap):
                let n = normalize(e)
                if n != e {
                    let (line, side) = codec.exchangeLine(n, jmapMethods: jmap)
                    out[i] = line
                    for (sha, b) in side {
                        blobs.append((sha, b))
                        references.insert(sha)
                    }
                }
            case .push(let p):
                let n = normalize(p)
                if n != p { out[i] = RecordingCodec.line(n.json) }
            case .ws(let p):
                let n = normalize(p)
                if n != p { out[i] = RecordingCodec.line(n.json) }
            }
        }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        for (i, l) in lines.enumerated() {
            if let new = out[i] {
                result += new
                changed += 1
            } else {
                result += l.original
                result.append(0x0A)
                references.formUnion(l.refs)
            }
        }
        return FileResult(bytes: result, blobs: blobs, references: references, inputReferences: inputReferences,
                          lineCount: lines.count, changedLineCount: changed, warnings: recording.warnings)
    }
}
