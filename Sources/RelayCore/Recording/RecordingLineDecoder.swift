/// Decodes a recording one line at a time, so that a file of any size is read in one pass
/// with flat memory. It keeps only the header and what it forgave. An exchange line is read
/// with a cursor that builds no JSON tree: only the envelope's few members become values, and
/// a stored body is taken as its bytes when they already are what the serializer would write.
/// Any line the cursor does not follow is decoded from a parsed tree, which also gives
/// every error its line number and reason.
public struct RecordingLineDecoder {
    /// The header, once its line is read.
    public private(set) var header: RecordingHeader?
    /// What was forgiven (an incomplete last line, dropped).
    public private(set) var warnings: [String] = []
    /// Reads side-stored bodies by SHA-256.
    private let blob: (String) -> [UInt8]?
    /// The last `origin` string read and its parsed value: a recording names few origins.
    private var lastOrigin: (text: String, origin: Origin)?

    public init(blob: @escaping (String) -> [UInt8]?) {
        self.blob = blob
    }

    /// A decoder for lines read again by offset from a file whose header is already known.
    public init(header: RecordingHeader, blob: @escaping (String) -> [UInt8]?) {
        self.blob = blob
        self.header = header
    }

    /// Decodes line `n` (1-based, without its newline); nil for a blank line and for an
    /// incomplete last line, which is forgiven with a warning.
    /// - Parameter isUnterminatedLast: Whether this is the file's last line and no newline ends it.
    /// - Throws: `RecordingError` with the line number and the reason.
    public mutating func decode(_ line: UnsafeBufferPointer<UInt8>, number n: Int, isUnterminatedLast: Bool = false) throws
        -> RecordingLine? {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { return nil }
        if header != nil, JSONMinifier.isWellFormed(line), let e = fastExchange(line, number: n) { return .exchange(e) }
        let v: JSONValue
        do {
            v = try JSONParser.parse(UnsafeRawBufferPointer(line))
        } catch {
            if isUnterminatedLast, header != nil {
                warnings.append("line \(n): incomplete last line dropped (the recorder was stopped mid-write)")
                return nil
            }
            throw RecordingError(line: n, "not JSON: \(error)")
        }
        return try decode(v, number: n)
    }

    /// The header, once the whole file is read.
    /// - Throws: `RecordingError` when no line held one.
    public func finish() throws -> RecordingHeader {
        guard let header else { throw RecordingError(line: 1, "empty file: a recording starts with a header line") }
        return header
    }

    /// A parsed line, decoded.
    private mutating func decode(_ v: JSONValue, number n: Int) throws -> RecordingLine {
        guard case .object(let o) = v else { throw RecordingError(line: n, "not a JSON object") }
        guard let kind = o["kind"]?.stringValue else { throw RecordingError(line: n, "missing \"kind\"") }
        guard let header else {
            guard kind == "header" else { throw RecordingError(line: n, "missing header: the first line must have \"kind\":\"header\"") }
            let h = try RecordingCodec.decodeHeader(o, line: n)
            self.header = h
            return .header(h)
        }
        if let ver = o["v"]?.intValue, ver != 1 { throw RecordingError(line: n, "unsupported format version \(ver)") }
        switch kind {
        case "exchange": return .exchange(try RecordingCodec.decodeExchange(o, line: n, primary: header.origins[0], blob: blob))
        case "header": throw RecordingError(line: n, "a second header line")
        default: return .other(v)
        }
    }

    /// An exchange line read with a cursor; nil when the line is anything the cursor does not
    /// follow (another kind, a missing or odd member), for the tree to decode or reject.
    private mutating func fastExchange(_ line: UnsafeBufferPointer<UInt8>, number n: Int) -> RecordedExchange? {
        var kind: String?
        var version: Int?
        var seq: Int?
        var tMs = 0
        var durationMs = 0
        var endpoint: String?
        var originText: String?
        var req: FastMessage?
        var res: FastMessage?
        let raw = UnsafeRawBufferPointer(line)
        var c = JSONCursor(raw)
        let ok = c.eachMember { c, key in
            switch key {
            case "kind": kind = c.string(); return kind != nil
            case "v": version = c.plainInt(); return version != nil
            case "seq": seq = c.plainInt(); return seq != nil
            case "t_ms": guard let t = c.plainInt() else { return false }; tMs = t; return true
            case "dur_ms": guard let d = c.plainInt() else { return false }; durationMs = d; return true
            case "endpoint": endpoint = c.string(); return endpoint != nil
            case "origin": originText = c.string(); return originText != nil
            case "req": req = FastMessage.read(&c); return req != nil
            case "res": res = FastMessage.read(&c); return res != nil
            default: return c.skipValue()
            }
        }
        guard ok, kind == "exchange", version == nil || version == 1, let req, let res, let method = req.method,
            let target = req.target, let status = res.status, (100...999).contains(status), let header
        else { return nil }
        var origin = header.origins[0]
        if let originText {
            if let last = lastOrigin, last.text == originText {
                origin = last.origin
            } else {
                guard let parsed = Origin(url: originText) else { return nil }
                lastOrigin = (originText, parsed)
                origin = parsed
            }
        }
        guard let requestBody = body(req, line), let responseBody = body(res, line) else { return nil }
        return RecordedExchange(
            seq: seq ?? n - 1, tMs: tMs, durationMs: durationMs,
            kind: endpoint.flatMap(EndpointKind.init(rawValue:)) ?? .other, origin: origin,
            request: HTTPRequestHead(method: method, target: target, headers: req.headers),
            requestBody: requestBody, response: HTTPResponseHead(status: status, headers: res.headers),
            responseBody: responseBody)
    }

    /// A message's body as `RecordingCodec` would decode it (`.some(nil)` for none); nil when
    /// the fast path cannot tell (a missing side file, bad base64: the tree reports those).
    private func body(_ m: FastMessage, _ line: UnsafeBufferPointer<UInt8>) -> [UInt8]?? {
        if let r = m.body {
            let slice = UnsafeBufferPointer(rebasing: line[r])
            if JSONValue.isInSerializedForm(slice) { return .some(Array(slice)) }
            guard let v = try? JSONParser.parse(UnsafeRawBufferPointer(slice)) else { return nil }
            return .some(v.serialized())
        }
        if let b64 = m.bodyB64 {
            guard let bytes = Base64.decode(b64) else { return nil }
            return .some(bytes)
        }
        if let ref = m.bodyRef {
            guard let bytes = blob(ref) else { return nil }
            return .some(bytes)
        }
        return .some(nil)
    }
}

/// The members of `req` or `res` an exchange needs, read with a cursor.
private struct FastMessage {
    var method: String?
    var target: String?
    var status: Int?
    var headers = HTTPHeaders()
    /// Where the JSON body lies in the line.
    var body: Range<Int>?
    var bodyB64: String?
    var bodyRef: String?

    /// The message at the cursor; nil when it is not an object of the expected shape.
    static func read(_ c: inout JSONCursor) -> FastMessage? {
        var m = FastMessage()
        let ok = c.eachMember { c, key in
            switch key {
            case "method": m.method = c.string(); return m.method != nil
            case "target": m.target = c.string(); return m.target != nil
            case "status": m.status = c.plainInt(); return m.status != nil
            case "body": m.body = c.rawValue(); return m.body != nil
            case "bodyB64": m.bodyB64 = c.string(); return m.bodyB64 != nil
            case "bodyRef": m.bodyRef = c.string(); return m.bodyRef != nil
            case "headers":
                var h = HTTPHeaders()
                let ok = c.eachElement { c in
                    var name: String?
                    var value: String?
                    let ok = c.eachElement { c, i in
                        switch i {
                        case 0: name = c.string(); return name != nil
                        case 1: value = c.string(); return value != nil
                        default: return c.skipValue()
                        }
                    }
                    guard ok, let name, let value else { return false }
                    h.add(name, value)
                    return true
                }
                m.headers = h
                return ok
            default: return c.skipValue()
            }
        }
        return ok ? m : nil
    }
}
