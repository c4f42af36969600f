/// Incremental request parser for the listener side. Feed bytes with `append`, pull parts with
/// `next()`; it handles keep-alive and pipelining: after `.end`, the next `next()` starts the
/// following request from the bytes already buffered.
public struct HTTPRequestParser: Sendable {
    private var core: HTTPMessageParser
    private var inBody = false

    /// The framing of the current request's body, once its head has been returned.
    public private(set) var framing: HTTPBodyFraming = .none

    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        core = HTTPMessageParser(limits: limits)
    }

    /// Bytes buffered and not yet returned.
    public var bufferedCount: Int { core.bufferedCount }

    /// Adds bytes read from the peer.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) { core.append(bytes) }

    /// Adds bytes read from the peer.
    public mutating func append(_ bytes: [UInt8]) { core.append(bytes) }

    /// Tells the parser the peer closed its side.
    public mutating func appendEOF() { core.appendEOF() }

    /// Takes the bytes buffered past the current request (the start of an upgraded stream).
    public mutating func takeRemaining() -> [UInt8] { core.takeRemaining() }

    /// The next part, or nil when more bytes are needed.
    public mutating func next() throws(HTTPParseError) -> HTTPPart<HTTPRequestHead>? {
        if !inBody {
            if core.state == .done { core.startNextMessage() }
            guard let (line, fields) = try core.takeHead() else { return nil }
            let head = try Self.parseRequestLine(line, headers: HTTPHeaders(fields))
            framing = try core.beginBody(headers: head.headers, version: head.version, isResponse: false, bodyless: false)
            inBody = true
            return .head(head)
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

    static func parseRequestLine(_ line: String, headers: HTTPHeaders) throws(HTTPParseError) -> HTTPRequestHead {
        // Exactly three parts with single spaces, found without building an array.
        let u = line.utf8
        guard let sp1 = u.firstIndex(of: 0x20), let sp2 = u[u.index(after: sp1)...].firstIndex(of: 0x20),
            !u[u.index(after: sp2)...].contains(0x20)
        else { throw .badStartLine(String(line.prefix(80))) }
        let method = Substring(u[..<sp1])
        let target = Substring(u[u.index(after: sp1)..<sp2])
        let version = Substring(u[u.index(after: sp2)...])
        guard !method.isEmpty, method.utf8.allSatisfy(HTTPMessageParser.isTokenChar) else {
            throw .badStartLine("invalid method in '\(line.prefix(80))'")
        }
        guard !target.isEmpty, target.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            throw .badStartLine("invalid request target in '\(line.prefix(80))'")
        }
        let v = try parseVersion(version)
        return HTTPRequestHead(method: String(method), target: String(target), version: v, headers: headers)
    }

    static func parseVersion(_ s: Substring) throws(HTTPParseError) -> HTTPVersion {
        switch s {
        case "HTTP/1.1": return .http11
        case "HTTP/1.0": return .http10
        default:
            if s.hasPrefix("HTTP/") { throw .unsupportedVersion(String(s.prefix(20))) }
            throw .badStartLine("invalid version '\(s.prefix(20))'")
        }
    }
}
