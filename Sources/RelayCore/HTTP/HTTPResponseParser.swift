/// Incremental response parser for the upstream side. Tell it the request's method before each
/// response (`expectResponse(to:)`): a response to HEAD has no body whatever its headers say.
/// Interim `100 Continue` responses are skipped; a `101` ends the message and the bytes after
/// it belong to the upgraded protocol (`takeRemaining()`).
public struct HTTPResponseParser: Sendable {
    private var core: HTTPMessageParser
    private var inBody = false
    private var requestMethod = "GET"

    /// The framing of the current response's body, once its head has been returned.
    public private(set) var framing: HTTPBodyFraming = .none

    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        core = HTTPMessageParser(limits: limits)
    }

    /// Prepares for the response to a request with `method`.
    public mutating func expectResponse(to method: String) {
        requestMethod = method
        if core.state == .done { core.startNextMessage() }
        inBody = false
    }

    /// Bytes buffered and not yet returned.
    public var bufferedCount: Int { core.bufferedCount }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) { core.append(bytes) }
    public mutating func append(_ bytes: [UInt8]) { core.append(bytes) }

    /// Tells the parser the peer closed; a close-delimited body ends here.
    public mutating func appendEOF() { core.appendEOF() }

    /// Takes the bytes buffered past the current response.
    public mutating func takeRemaining() -> [UInt8] { core.takeRemaining() }

    /// The next part, or nil when more bytes are needed.
    public mutating func next() throws(HTTPParseError) -> HTTPPart<HTTPResponseHead>? {
        if !inBody {
            while true {
                if core.state == .done { core.startNextMessage() }
                guard let (line, fields) = try core.takeHead() else { return nil }
                let head = try Self.parseStatusLine(line, headers: HTTPHeaders(fields))
                if head.status >= 100, head.status < 200, head.status != 101 {
                    _ = try core.beginBody(headers: HTTPHeaders(), version: head.version, isResponse: true, bodyless: true)
                    continue
                }
                let bodyless = requestMethod == "HEAD" || head.status == 101 || head.status == 204 || head.status == 304
                framing = try core.beginBody(
                    headers: head.headers, version: head.version, isResponse: true, bodyless: bodyless)
                inBody = true
                return .head(head)
            }
        }
        if core.state == .done {
            inBody = false
            return .end(trailers: HTTPHeaders())
        }
        guard let part = try core.nextBodyPart() else { return nil }
        switch part {
        case .body(let b): return .body(b)
        case .end(let t):
            inBody = false
            return .end(trailers: t)
        }
    }

    static func parseStatusLine(_ line: String, headers: HTTPHeaders) throws(HTTPParseError) -> HTTPResponseHead {
        // Version, status, and the reason (which may hold spaces), found without building an array.
        let u = line.utf8
        guard let sp1 = u.firstIndex(of: 0x20) else { throw .badStartLine(String(line.prefix(80))) }
        let version = try HTTPRequestParser.parseVersion(Substring(u[..<sp1]))
        let afterVersion = u[u.index(after: sp1)...]
        let sp2 = afterVersion.firstIndex(of: 0x20)
        let statusText = afterVersion[..<(sp2 ?? afterVersion.endIndex)]
        guard statusText.count == 3, statusText.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), statusText.first != 0x30 else {
            throw .badStartLine("invalid status in '\(line.prefix(80))'")
        }
        let status = statusText.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        let reason = sp2.map { String(Substring(u[u.index(after: $0)...])) } ?? ""
        // The relay passes the reason on to its client: no control bytes (RFC 9112 §4).
        if reason.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) {
            throw .badStartLine("control character in the reason phrase of '\(line.prefix(40))'")
        }
        return HTTPResponseHead(status: status, reason: reason, version: version, headers: headers)
    }
}
