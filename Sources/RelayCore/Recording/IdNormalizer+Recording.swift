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

    /// One line normalised.
    public struct LineResult: Sendable {
        /// The new line (with its newline); nil when the line is unchanged.
        public var bytes: [UInt8]?
        /// Side-stored bodies of the new line (SHA-256 hex, bytes).
        public var blobs: [(sha: String, bytes: [UInt8])]
        /// The `bodyRef`s of the input line.
        public var inputReferences: [String]
        /// The `bodyRef`s of the output line.
        public var references: [String] { bytes == nil ? inputReferences : blobs.map(\.sha) }
    }

    /// Normalises one line of a recording that has already been decoded (and so checked):
    /// exchanges, push and WebSocket lines get tokens; others stay as they are.
    public mutating func normalizeLine(_ raw: UnsafeBufferPointer<UInt8>, decoded: RecordingLine, codec: RecordingCodec) -> LineResult {
        let (jmap, refs) = Self.methodsAndReferences(raw)
        var result = LineResult(bytes: nil, blobs: [], inputReferences: refs)
        switch decoded {
        case .header:
            break
        case .exchange(let e):
            let n = normalize(e)
            guard n != e else { break }
            let (line, side) = codec.exchangeLine(n, jmapMethods: jmap)
            result.bytes = line
            result.blobs = side.map { (sha: $0.0, bytes: $0.1) }
        case .other(let v):
            guard let o = v.objectValue else { break }
            switch o["kind"]?.stringValue {
            case "push":
                guard let p = RecordedPush(json: o) else { break }
                let n = normalize(p)
                if n != p { result.bytes = RecordingCodec.line(n.json) }
            case "ws":
                guard let p = RecordedWebSocketPair(json: o) else { break }
                let n = normalize(p)
                if n != p { result.bytes = RecordingCodec.line(n.json) }
            default:
                break
            }
        }
        return result
    }

    /// Where a decoded line comes in the order tokens are handed out: its `seq` for the lines
    /// that get tokens, 0 for the others (which keep their place and change nothing).
    static func orderKey(_ line: RecordingLine) -> Int {
        switch line {
        case .header: return 0
        case .exchange(let e): return e.seq
        case .other(let v):
            guard let o = v.objectValue else { return 0 }
            switch o["kind"]?.stringValue {
            case "push": return RecordedPush(json: o)?.seq ?? 0
            case "ws": return RecordedWebSocketPair(json: o)?.seq ?? 0
            default: return 0
            }
        }
    }

    /// Whether lines that get tokens (exchanges, push and WebSocket lines) come in `seq`
    /// order, read from their bytes with a cursor: then a file can be normalised in one pass
    /// in file order. Call with each line in turn; false once any is out of order or has no
    /// plain `seq` to tell.
    public struct OrderCheck: Sendable {
        public private(set) var inOrder = true
        private var last = Int.min

        public init() {}

        public mutating func add(_ raw: UnsafeBufferPointer<UInt8>) {
            guard inOrder else { return }
            var kind: String?
            var seq: Int?
            var c = JSONCursor(UnsafeRawBufferPointer(raw))
            _ = c.eachMember { c, key in
                switch key {
                case "kind": kind = c.string(); return kind != nil || c.skipValue()
                case "seq": seq = c.plainInt(); return seq != nil || c.skipValue()
                default: return c.skipValue()
                }
            }
            guard let kind, ["exchange", "push", "ws"].contains(kind) else { return }
            guard let seq, seq >= last else {
                inOrder = false
                return
            }
            last = seq
        }
    }

    /// The `jmap` method names and the `bodyRef`s of a line, read with a cursor.
    static func methodsAndReferences(_ raw: UnsafeBufferPointer<UInt8>) -> (jmap: [String], refs: [String]) {
        var jmap: [String] = []
        var refs: [String] = []
        var c = JSONCursor(UnsafeRawBufferPointer(raw))
        _ = c.eachMember { c, key in
            switch key {
            case "jmap":
                return c.eachElement { c in
                    if let s = c.string() { jmap.append(s); return true }
                    return c.skipValue()
                }
            case "req", "res":
                var ref: String?
                let ok = c.eachMember { c, key in
                    guard key == "bodyRef" else { return c.skipValue() }
                    ref = c.string()
                    return ref != nil || c.skipValue()
                }
                if let ref { refs.append(ref) }
                return ok
            default:
                return c.skipValue()
            }
        }
        return (jmap, refs)
    }

    /// Normalises the recording `bytes` in memory; `blob` reads side-stored bodies by SHA-256.
    /// Throws `RecordingError` (with the line) for a file `RecordingCodec.load` rejects; an
    /// incomplete last line it forgives is dropped.
    public mutating func normalizeFile(_ bytes: [UInt8], codec: RecordingCodec, blob: @escaping (String) -> [UInt8]?) throws -> FileResult {
        var decoder = RecordingLineDecoder(blob: blob)
        var splitter = LineSplitter()
        var lines: [(at: LineSplitter.Location, decoded: RecordingLine, seq: Int)] = []
        func take(_ line: UnsafeBufferPointer<UInt8>, _ at: LineSplitter.Location, last: Bool) throws {
            guard let d = try decoder.decode(line, number: at.number, isUnterminatedLast: last) else { return }
            lines.append((at, d, Self.orderKey(d)))
        }
        try bytes.withUnsafeBufferPointer { b in try splitter.feed(b) { try take($0, $1, last: false) } }
        try splitter.finish { try take($0, $1, last: true) }
        _ = try decoder.finish()

        // Tokens are handed out in seq order; lines keep their place in the file.
        var out = [LineResult?](repeating: nil, count: lines.count)
        let order = lines.indices.sorted { (lines[$0].seq, $0) < (lines[$1].seq, $1) }
        bytes.withUnsafeBufferPointer { b in
            for i in order {
                let at = lines[i].at
                out[i] = normalizeLine(UnsafeBufferPointer(rebasing: b[at.offset..<(at.offset + at.length)]), decoded: lines[i].decoded,
                                       codec: codec)
            }
        }
        var result = FileResult(warnings: decoder.warnings)
        result.bytes.reserveCapacity(bytes.count)
        for (i, l) in lines.enumerated() {
            result.add(out[i]!, original: bytes[l.at.offset..<(l.at.offset + l.at.length)])
        }
        return result
    }
}

extension IdNormalizer.FileResult {
    /// A normalised file to fill one line at a time (`add`).
    public init(warnings: [String] = []) {
        self.init(bytes: [], blobs: [], references: [], inputReferences: [], lineCount: 0, changedLineCount: 0, warnings: warnings)
    }

    /// Counts a normalised line in and appends it (or the original) to `bytes`.
    public mutating func add(_ line: IdNormalizer.LineResult, original: ArraySlice<UInt8>) {
        appendCounts(line)
        blobs += line.blobs
        if let new = line.bytes {
            bytes += new
        } else {
            bytes += original
            bytes.append(0x0A)
        }
    }

    /// Counts a normalised line in, keeping neither its bytes nor its side bodies (for a file
    /// written as it goes).
    public mutating func appendCounts(_ line: IdNormalizer.LineResult) {
        lineCount += 1
        inputReferences.formUnion(line.inputReferences)
        references.formUnion(line.references)
        if line.bytes != nil { changedLineCount += 1 }
    }
}
