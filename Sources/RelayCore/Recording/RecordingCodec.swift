/// Encodes exchanges as recording lines (format version 1, JSON Lines, keys sorted) and
/// decodes them back. JSON bodies are stored as JSON, other bodies as base64, and bodies over
/// `sideThreshold` as a SHA-256 reference into `<file>.blobs/`.
public struct RecordingCodec: Sendable {
    /// Bodies larger than this are stored beside the file.
    public var sideThreshold: Int
    /// Computes the hex SHA-256 of side-stored bodies (supplied by the I/O layer).
    public var sha256Hex: @Sendable ([UInt8]) -> String

    public init(sideThreshold: Int = 256 * 1024, sha256Hex: @escaping @Sendable ([UInt8]) -> String) {
        self.sideThreshold = sideThreshold
        self.sha256Hex = sha256Hex
    }

    // MARK: Encoding

    /// The header line (with its newline).
    public static func headerLine(_ h: RecordingHeader) -> [UInt8] {
        let o: JSONValue = [
            "kind": "header", "v": .int(h.version), "created": .string(h.created), "upstream": .string(h.upstream),
            "origins": .array(h.origins.map { .string($0.httpBase) }), "relay": .string(h.relay),
        ]
        return o.serialized(sortedKeys: true) + [0x0A]
    }

    /// The line for `e` (with its newline) and the bodies to store beside the file.
    public func exchangeLine(_ e: RecordedExchange, jmapMethods: [String] = []) -> (line: [UInt8], blobs: [(String, [UInt8])]) {
        // Written straight into bytes, keys in sorted order as listed: this runs for every
        // exchange while recording, and building a tree of the bodies cost half the relay's CPU.
        var blobs: [(String, [UInt8])] = []
        var out: [UInt8] = []
        out.reserveCapacity(512 + (e.requestBody?.count ?? 0) + (e.responseBody?.count ?? 0))
        out.append(contentsOf: #"{"dur_ms":"#.utf8)
        out.appendDecimal(e.durationMs)
        out.append(contentsOf: #","endpoint":"#.utf8)
        JSONValue.writeString(e.kind.rawValue, to: &out)
        if !jmapMethods.isEmpty {
            out.append(contentsOf: #","jmap":["#.utf8)
            for (n, m) in jmapMethods.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.writeString(m, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(contentsOf: #","kind":"exchange","origin":"#.utf8)
        JSONValue.writeString(e.origin.httpBase, to: &out)
        out.append(contentsOf: #","req":{"#.utf8)
        writeBody(e.requestBody, contentType: e.request.headers["content-type"], to: &out, blobs: &blobs)
        Self.writeHeaders(e.request.headers, to: &out)
        out.append(contentsOf: #","method":"#.utf8)
        JSONValue.writeString(e.request.method, to: &out)
        out.append(contentsOf: #","target":"#.utf8)
        JSONValue.writeString(e.request.target, to: &out)
        out.append(contentsOf: #"},"res":{"#.utf8)
        writeBody(e.responseBody, contentType: e.response.headers["content-type"], to: &out, blobs: &blobs)
        Self.writeHeaders(e.response.headers, to: &out)
        out.append(contentsOf: #","status":"#.utf8)
        out.appendDecimal(e.response.status)
        out.append(contentsOf: #"},"seq":"#.utf8)
        out.appendDecimal(e.seq)
        out.append(contentsOf: #","t_ms":"#.utf8)
        out.appendDecimal(e.tMs)
        out.append(contentsOf: #","v":1}"#.utf8)
        out.append(0x0A)
        return (out, blobs)
    }

    /// `"headers":[[name, value], …]` with names in lower case (the body, if any, came first).
    private static func writeHeaders(_ h: HTTPHeaders, to out: inout [UInt8]) {
        if out.last != UInt8(ascii: "{") { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: #""headers":["#.utf8)
        for (n, f) in h.fields.enumerated() {
            out.append(contentsOf: n > 0 ? #",["#.utf8 : #"["#.utf8)
            writeLowercasedName(f.name, to: &out)
            out.append(UInt8(ascii: ","))
            JSONValue.writeString(f.value, to: &out)
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "]"))
    }

    /// A header name as a JSON string in lower case. A name of visible ASCII with no quote or
    /// backslash (any HTTP token) is copied whole and lowercased in place, sparing the
    /// lowercased copy of every name of every recorded exchange.
    static func writeLowercasedName(_ name: String, to out: inout [UInt8]) {
        let quote = out.count
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: name.utf8)
        let plain = out.withUnsafeMutableBufferPointer { b -> Bool in
            for k in (quote + 1)..<b.count {
                let c = b[k]
                guard c > 0x20, c < 0x7F, c != UInt8(ascii: "\""), c != UInt8(ascii: "\\") else { return false }
                if c &- UInt8(ascii: "A") < 26 { b[k] = c | 0x20 }
            }
            return true
        }
        guard plain else {
            out.removeSubrange(quote...)
            return JSONValue.writeString(name.lowercased(), to: &out)
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `"body"` (JSON, as the sender wrote it less whitespace), `"bodyB64"` or `"bodyRef"`
    /// (stored beside the file); nothing for an empty body.
    private func writeBody(_ body: [UInt8]?, contentType: String?, to out: inout [UInt8], blobs: inout [(String, [UInt8])]) {
        guard let body, !body.isEmpty else { return }
        if body.count > sideThreshold {
            let sha = sha256Hex(body)
            blobs.append((sha, body))
            out.append(contentsOf: #""bodyRef":"#.utf8)
            JSONValue.writeString(sha, to: &out)
            return
        }
        if contentType?.containsIgnoringASCIICase("json") ?? true {
            if let compact = JSONMinifier.compact(body) {
                out.append(contentsOf: #""body":"#.utf8)
                out.append(contentsOf: compact)
                return
            }
            // Not well-formed UTF-8 but still JSON to the parser: stored as it reads.
            if let v = try? JSONParser.parse(body) {
                out.append(contentsOf: #""body":"#.utf8)
                v.write(to: &out, sortedKeys: false)
                return
            }
        }
        out.append(contentsOf: #""bodyB64":"#.utf8)
        JSONValue.writeString(Base64.encode(body), to: &out)
    }

    /// Writes a line with its own keys sorted, but each `body` exactly in the server's key
    /// order, so that a replayed answer is byte for byte the recorded one.
    static func writeEnvelope(_ v: JSONValue, to out: inout [UInt8]) {
        guard case .object(let o) = v else { return v.write(to: &out, sortedKeys: true) }
        out.append(UInt8(ascii: "{"))
        for (n, k) in o.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            JSONValue.writeString(k, to: &out)
            out.append(UInt8(ascii: ":"))
            if Self.verbatimKeys.contains(k) { o[k]!.write(to: &out, sortedKeys: false) } else { writeEnvelope(o[k]!, to: &out) }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Keys whose value is a message exactly as it travelled (kept in the sender's key order).
    static let verbatimKeys: Set<String> = ["body", "event", "request", "response"]

    static func headersJSON(_ h: HTTPHeaders) -> JSONValue {
        .array(h.fields.map { .array([.string($0.name.lowercased()), .string($0.value)]) })
    }

    // MARK: Decoding

    /// Loads a whole recording; `blob` reads side-stored bodies by SHA-256. Files are read
    /// line by line instead (see `RecordingLineDecoder`); this is for recordings in memory.
    public static func load(_ bytes: [UInt8], blob: @escaping (String) -> [UInt8]?) throws -> Recording {
        var decoder = RecordingLineDecoder(blob: blob)
        var splitter = LineSplitter()
        var exchanges: [RecordedExchange] = []
        var others: [JSONValue] = []
        func take(_ line: UnsafeBufferPointer<UInt8>, _ at: LineSplitter.Location, last: Bool) throws {
            switch try decoder.decode(line, number: at.number, isUnterminatedLast: last) {
            case .exchange(let e)?: exchanges.append(e)
            case .other(let v)?: others.append(v)
            case .header?, nil: break
            }
        }
        try bytes.withUnsafeBufferPointer { b in try splitter.feed(b) { try take($0, $1, last: false) } }
        try splitter.finish { try take($0, $1, last: true) }
        return Recording(header: try decoder.finish(), exchanges: exchanges, otherLines: others, warnings: decoder.warnings)
    }

    static func decodeHeader(_ o: JSONObject, line n: Int) throws -> RecordingHeader {
        guard let v = o["v"]?.intValue else { throw RecordingError(line: n, "header without a format version \"v\"") }
        guard v == 1 else { throw RecordingError(line: n, "unsupported format version \(v) (this relay reads version 1)") }
        guard let up = o["upstream"]?.stringValue else { throw RecordingError(line: n, "header without \"upstream\"") }
        let originStrings = o["origins"]?.arrayValue?.compactMap(\.stringValue) ?? [up]
        var origins: [Origin] = []
        for s in originStrings {
            guard let origin = Origin(url: s) else { throw RecordingError(line: n, "origin '\(s)' is not an http(s) URL") }
            origins.append(origin)
        }
        guard !origins.isEmpty else { throw RecordingError(line: n, "header with an empty \"origins\" list") }
        return RecordingHeader(created: o["created"]?.stringValue ?? "", upstream: up, origins: origins,
                               relay: o["relay"]?.stringValue ?? "", version: v)
    }

    static func decodeExchange(_ o: JSONObject, line n: Int, primary: Origin, blob: (String) -> [UInt8]?) throws -> RecordedExchange {
        guard case .object(let req)? = o["req"] else { throw RecordingError(line: n, "exchange without \"req\"") }
        guard case .object(let res)? = o["res"] else { throw RecordingError(line: n, "exchange without \"res\"") }
        guard let method = req["method"]?.stringValue, let target = req["target"]?.stringValue else {
            throw RecordingError(line: n, "\"req\" needs \"method\" and \"target\"")
        }
        guard let status = res["status"]?.intValue, (100...999).contains(status) else {
            throw RecordingError(line: n, "\"res.status\" must be an HTTP status")
        }
        let kind = o["endpoint"]?.stringValue.flatMap(EndpointKind.init(rawValue:)) ?? .other
        var origin = primary
        if let s = o["origin"]?.stringValue {
            guard let parsed = Origin(url: s) else { throw RecordingError(line: n, "\"origin\" '\(s)' is not an http(s) URL") }
            origin = parsed
        }
        return RecordedExchange(
            seq: o["seq"]?.intValue ?? n - 1, tMs: o["t_ms"]?.intValue ?? 0, durationMs: o["dur_ms"]?.intValue ?? 0,
            kind: kind, origin: origin,
            request: HTTPRequestHead(method: method, target: target, headers: try headers(req["headers"], "req.headers", n)),
            requestBody: try body(req, "req", n, blob),
            response: HTTPResponseHead(status: status, headers: try headers(res["headers"], "res.headers", n)),
            responseBody: try body(res, "res", n, blob))
    }

    static func headers(_ v: JSONValue?, _ what: String, _ n: Int) throws -> HTTPHeaders {
        guard let v else { return HTTPHeaders() }
        guard let pairs = v.arrayValue else { throw RecordingError(line: n, "\"\(what)\" must be a list of [name, value] pairs") }
        var h = HTTPHeaders()
        for p in pairs {
            guard let name = p[0]?.stringValue, let value = p[1]?.stringValue else {
                throw RecordingError(line: n, "\"\(what)\" must be a list of [name, value] pairs")
            }
            h.add(name, value)
        }
        return h
    }

    static func body(_ o: JSONObject, _ what: String, _ n: Int, _ blob: (String) -> [UInt8]?) throws -> [UInt8]? {
        if let v = o["body"] { return v.serialized() }
        if let b64 = o["bodyB64"] {
            guard let s = b64.stringValue, let bytes = Base64.decode(s) else {
                throw RecordingError(line: n, "\"\(what).bodyB64\" is not base64")
            }
            return bytes
        }
        if let ref = o["bodyRef"]?.stringValue {
            guard let bytes = blob(ref) else { throw RecordingError(line: n, "bodyRef \(ref) not found in the .blobs folder") }
            return bytes
        }
        return nil
    }
}
