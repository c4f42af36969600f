/// The incremental HTTP/1.1 machinery shared by the request and response parsers: buffering,
/// head splitting, header lines, body framing and de-chunking. Bytes go in with `append`;
/// parts come out of `nextPart`. It never reads a socket.
struct HTTPMessageParser: Sendable {
    enum State: Sendable, Equatable {
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case done
    }

    let limits: HTTPParserLimits
    private(set) var state: State = .head
    private var buffer: [UInt8] = []
    private var start = 0
    /// Bytes past `start` already searched for the end of the head: a head arriving a byte at
    /// a time is scanned once, not once per byte (that was quadratic, 0.5 s of CPU for 60 KB).
    private var headScanned = 0
    /// The same for a chunk-size or trailer line.
    private var lineScanned = 0
    private var bodySeen = 0
    private var trailerCount = 0
    private var trailerBytes = 0
    private var trailers = HTTPHeaders()
    private(set) var sawEOF = false
    /// The previous head on this connection. A keep-alive peer repeats most lines byte for
    /// byte (`Content-Type`, `Server`, a token): a repeated line's strings are reused instead
    /// of being checked and copied again.
    private var previousStartLine = ""
    private var previousFields: [HTTPField] = []

    init(limits: HTTPParserLimits) {
        self.limits = limits
        buffer.reserveCapacity(16 * 1024)
    }

    /// Bytes buffered and not yet returned.
    var bufferedCount: Int { buffer.count - start }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 64 * 1024, start * 2 > buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    mutating func append(_ bytes: [UInt8]) { bytes.withUnsafeBytes { append($0) } }

    /// Tells the parser the peer closed; a body delimited by close ends here.
    mutating func appendEOF() { sawEOF = true }

    /// Takes the bytes buffered past the current message (after an upgrade).
    mutating func takeRemaining() -> [UInt8] {
        let r = Array(buffer[start...])
        buffer.removeAll(keepingCapacity: true)
        start = 0
        headScanned = 0
        lineScanned = 0
        return r
    }

    /// Resets for the next message on the same connection, keeping buffered bytes.
    mutating func startNextMessage() {
        state = .head
        bodySeen = 0
        trailerCount = 0
        trailerBytes = 0
        trailers = HTTPHeaders()
        headScanned = 0
        lineScanned = 0
    }

    // MARK: Head

    /// Splits the head off the buffer once it is complete: start line and header fields.
    /// Returns nil when more bytes are needed.
    mutating func takeHead() throws(HTTPParseError) -> (startLine: String, fields: [HTTPField])? {
        // Tolerate empty lines before a request (RFC 9112 §2.2), CRLF only.
        while bufferedCount >= 2, buffer[start] == 0x0D, buffer[start + 1] == 0x0A {
            start += 2
            headScanned = 0
        }
        guard let end = try findHeadEnd() else {
            headScanned = bufferedCount
            // Up to 3 of the bytes may be the start of the blank line that ends the head, so
            // a head of exactly the limit is accepted however the bytes are split.
            if bufferedCount - 3 > limits.maxHeadBytes { throw headTooLarge() }
            if sawEOF, bufferedCount > 0 { throw .unexpectedEnd }
            return nil
        }
        if end - start > limits.maxHeadBytes { throw headTooLarge() }
        let headStart = start
        let maxFields = limits.maxHeaderCount
        // One pass over the head's bytes: each line is parsed as its CRLF is found, with no
        // list of lines in between and no slice of the buffer kept. `findHeadEnd` refused any
        // bare LF, so finding each CR is enough.
        let previousLine = previousStartLine
        let previous = previousFields
        let (startLine, fields) = try buffer.withUnsafeBufferPointer { b throws(HTTPParseError) -> (String, [HTTPField]) in
            var startLine: String?
            var fields: [HTTPField] = []
            var lineStart = headStart
            while lineStart <= end {
                let i = ByteSearch.first(0x0D, in: b, from: lineStart, to: end) ?? end
                if i < end, b[i + 1] != 0x0A { throw .bareLineFeed }
                let line = UnsafeBufferPointer(rebasing: b[lineStart..<i])
                if startLine == nil {
                    startLine = Self.bytes(line, equal: previousLine) ? previousLine : String(decoding: line, as: UTF8.self)
                    fields.reserveCapacity(max(16, previous.count))
                } else {
                    let k = fields.count
                    if k == maxFields { throw .tooManyHeaders(limit: maxFields) }
                    if k < previous.count, Self.line(line, repeats: previous[k]) {
                        fields.append(previous[k])
                    } else {
                        fields.append(try Self.parseField(line))
                    }
                }
                lineStart = i + 2
            }
            return (startLine ?? "", fields)
        }
        start = end + 4
        headScanned = 0
        previousStartLine = startLine
        previousFields = fields
        return (startLine, fields)
    }

    /// Whether `line` is `field` as `parseField` would read it: the same name bytes, a colon,
    /// and the same value bytes between optional spaces and tabs. Such a line needs no checks:
    /// `field` passed them.
    static func line(_ line: UnsafeBufferPointer<UInt8>, repeats field: HTTPField) -> Bool {
        var name = field.name
        var value = field.value
        return name.withUTF8 { n in
            guard line.count > n.count, line[n.count] == UInt8(ascii: ":"),
                bytes(UnsafeBufferPointer(rebasing: line[..<n.count]), equal: n)
            else { return false }
            var vs = n.count + 1
            var ve = line.count
            while vs < ve, line[vs] == 0x20 || line[vs] == 0x09 { vs += 1 }
            while ve > vs, line[ve - 1] == 0x20 || line[ve - 1] == 0x09 { ve -= 1 }
            return value.withUTF8 { v in bytes(UnsafeBufferPointer(rebasing: line[vs..<ve]), equal: v) }
        }
    }

    @inline(__always)
    static func bytes(_ a: UnsafeBufferPointer<UInt8>, equal string: String) -> Bool {
        guard a.count == string.utf8.count else { return false }
        var s = string
        return s.withUTF8 { bytes(a, equal: $0) }
    }

    @inline(__always)
    static func bytes(_ a: UnsafeBufferPointer<UInt8>, equal b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where a[i] != b[i] { return false }
        return true
    }

    /// The error for a head over the limit: 414 when its start line alone is (RFC 9112 §3),
    /// 431 when the header fields are.
    private func headTooLarge() -> HTTPParseError {
        let firstLineEnds = buffer[start..<min(buffer.count, start + limits.maxHeadBytes + 1)].contains(0x0D)
        return firstLineEnds ? .headTooLarge(limit: limits.maxHeadBytes) : .startLineTooLong(limit: limits.maxHeadBytes)
    }

    /// Index of the `\r\n\r\n` ending the head, or nil when it has not arrived. A bare LF
    /// anywhere in the head is refused at once rather than waited on.
    private func findHeadEnd() throws(HTTPParseError) -> Int? {
        let n = buffer.count
        let s = start
        let from = start + headScanned
        let found: Int? = buffer.withUnsafeBufferPointer { b -> Int? in
            var i = from
            while let lf = ByteSearch.first(0x0A, in: b, from: i, to: n) {
                if lf == s || b[lf - 1] != 0x0D { return -1 }
                if lf >= s + 3, b[lf - 2] == 0x0A, b[lf - 3] == 0x0D { return lf - 3 }
                i = lf + 1
            }
            return nil
        }
        if found == -1 { throw .bareLineFeed }
        return found
    }

    static func parseField(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPField {
        try line.withUnsafeBufferPointer { b throws(HTTPParseError) in try parseField(b) }
    }

    /// One `name: value` line, without its CRLF.
    static func parseField(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> HTTPField {
        guard let first = line.first else { throw .badHeader("empty line") }
        if first == 0x20 || first == 0x09 { throw .badHeader("obsolete line folding") }
        var colon = 0
        while colon < line.count, line[colon] != UInt8(ascii: ":") {
            guard isTokenChar(line[colon]) else {
                guard let end = line[colon...].firstIndex(of: UInt8(ascii: ":")) else {
                    throw .badHeader("no colon in '\(String(decoding: line.prefix(40), as: UTF8.self))'")
                }
                throw .badHeader("invalid character in field name '\(String(decoding: line[..<end].prefix(40), as: UTF8.self))'")
            }
            colon += 1
        }
        guard colon < line.count else { throw .badHeader("no colon in '\(String(decoding: line.prefix(40), as: UTF8.self))'") }
        if colon == 0 { throw .badHeader("empty field name") }
        let name = UnsafeBufferPointer(rebasing: line[0..<colon])
        var vs = colon + 1
        var ve = line.count
        while vs < ve, line[vs] == 0x20 || line[vs] == 0x09 { vs += 1 }
        while ve > vs, line[ve - 1] == 0x20 || line[ve - 1] == 0x09 { ve -= 1 }
        let value = UnsafeBufferPointer(rebasing: line[vs..<ve])
        for c in value where (c < 0x20 && c != 0x09) || c == 0x7F {
            throw .badHeader("control character in value of '\(String(decoding: name, as: UTF8.self))'")
        }
        return HTTPField(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    }

    @inline(__always)
    static func isTokenChar(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    // MARK: Framing

    /// Decides the framing from the headers (RFC 9112 §6.3) and enters the body state.
    mutating func beginBody(headers: HTTPHeaders, version: HTTPVersion, isResponse: Bool, bodyless: Bool)
        throws(HTTPParseError) -> HTTPBodyFraming
    {
        let framing = try Self.framing(headers: headers, version: version, isResponse: isResponse, bodyless: bodyless)
        switch framing {
        case .none: state = .done
        case .length(let n):
            if let max = limits.maxBodyBytes, n > max { throw .bodyTooLarge(limit: max) }
            state = n == 0 ? .done : .fixedBody(remaining: n)
        case .chunked: state = .chunkSize
        case .untilClose: state = .untilClose
        }
        return framing
    }

    static func framing(headers: HTTPHeaders, version: HTTPVersion, isResponse: Bool, bodyless: Bool)
        throws(HTTPParseError) -> HTTPBodyFraming
    {
        if let n = plainContentLength(headers) { return bodyless ? .none : .length(n) }
        let te = headers.tokens(for: "Transfer-Encoding")
        let cls = headers.values(for: "Content-Length")
        if !te.isEmpty, !cls.isEmpty, !bodyless { throw .lengthAndTransferEncoding }
        if bodyless { return .none }
        if !te.isEmpty {
            if isResponse { return te.last == "chunked" ? .chunked : .untilClose }
            guard te == ["chunked"] else { throw .unsupportedTransferEncoding(te.joined(separator: ", ")) }
            if version == .http10 { throw .unsupportedTransferEncoding("chunked in HTTP/1.0") }
            return .chunked
        }
        if !cls.isEmpty {
            var length: Int?
            for v in cls {
                for part in v.split(separator: ",", omittingEmptySubsequences: false) {
                    let t = part.trimmingASCIIWhitespace()
                    guard !t.isEmpty, t.utf8.count <= 18, t.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                        let n = Int(t)
                    else { throw .badContentLength(String(v.prefix(40))) }
                    if let l = length, l != n { throw .conflictingContentLength }
                    length = n
                }
            }
            return .length(length ?? 0)
        }
        return isResponse ? .untilClose : .none
    }

    /// The length of the common case, one `Content-Length` of plain digits and no
    /// `Transfer-Encoding`, found in one pass without allocating; nil for anything else.
    private static func plainContentLength(_ headers: HTTPHeaders) -> Int? {
        var length: Int?
        for f in headers.fields {
            switch f.name.utf8.count {
            case 14 where HTTPHeaders.equalsIgnoringCase(f.name, "content-length"):
                guard length == nil, f.value.utf8.count <= 18, !f.value.isEmpty else { return nil }
                var n = 0
                for c in f.value.utf8 {
                    guard c >= 0x30, c <= 0x39 else { return nil }
                    n = n * 10 + Int(c - 0x30)
                }
                length = n
            case 17 where HTTPHeaders.equalsIgnoringCase(f.name, "transfer-encoding"):
                return nil
            default:
                continue
            }
        }
        return length
    }

    // MARK: Body

    /// The next body part or the end; nil when more bytes are needed.
    mutating func nextBodyPart() throws(HTTPParseError) -> HTTPPart<Never>? {
        while true {
            switch state {
            case .head:
                return nil
            case .done:
                return nil
            case .fixedBody(let remaining):
                if bufferedCount == 0 {
                    if sawEOF { throw .unexpectedEnd }
                    return nil
                }
                let n = min(remaining, bufferedCount)
                let piece = buffer[start..<start + n]
                start += n
                state = remaining - n == 0 ? .done : .fixedBody(remaining: remaining - n)
                return .body(piece)
            case .untilClose:
                if bufferedCount > 0 {
                    let n = bufferedCount
                    try countBody(n)
                    let piece = buffer[start..<start + n]
                    start += n
                    return .body(piece)
                }
                if sawEOF {
                    state = .done
                    return .end(trailers: HTTPHeaders())
                }
                return nil
            case .chunkSize:
                guard let lineEnd = try findCRLF(maxScan: 1024) else {
                    if sawEOF { throw .unexpectedEnd }
                    return nil
                }
                let line = buffer[start..<lineEnd]
                start = lineEnd + 2
                lineScanned = 0
                let size = try Self.parseChunkSize(line)
                if size == 0 {
                    state = .trailers
                } else {
                    try countBody(size)
                    state = .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                if bufferedCount == 0 {
                    if sawEOF { throw .unexpectedEnd }
                    return nil
                }
                let n = min(remaining, bufferedCount)
                let piece = buffer[start..<start + n]
                start += n
                state = remaining - n == 0 ? .chunkDataEnd : .chunkData(remaining: remaining - n)
                return .body(piece)
            case .chunkDataEnd:
                if bufferedCount < 2 {
                    if sawEOF { throw .unexpectedEnd }
                    return nil
                }
                guard buffer[start] == 0x0D, buffer[start + 1] == 0x0A else {
                    throw .badChunk("chunk data not followed by CRLF")
                }
                start += 2
                state = .chunkSize
            case .trailers:
                guard let lineEnd = try findCRLF(maxScan: limits.maxHeadBytes) else {
                    if sawEOF { throw .unexpectedEnd }
                    return nil
                }
                let line = buffer[start..<lineEnd]
                start = lineEnd + 2
                lineScanned = 0
                if line.isEmpty {
                    state = .done
                    return .end(trailers: trailers)
                }
                trailerCount += 1
                trailerBytes += line.count + 2
                if trailerCount > limits.maxHeaderCount { throw .tooManyHeaders(limit: limits.maxHeaderCount) }
                if trailerBytes > limits.maxHeadBytes { throw .headTooLarge(limit: limits.maxHeadBytes) }
                let field = try Self.parseField(line)
                trailers.add(field.name, field.value)
            }
        }
    }

    private mutating func countBody(_ n: Int) throws(HTTPParseError) {
        bodySeen += n
        if let max = limits.maxBodyBytes, bodySeen > max { throw .bodyTooLarge(limit: max) }
    }

    /// Index of the next CRLF, refusing bare LF and over-long lines. Resumes where the last
    /// call stopped, so a line arriving a byte at a time is scanned once.
    private mutating func findCRLF(maxScan: Int) throws(HTTPParseError) -> Int? {
        var i = start + lineScanned
        let n = buffer.count
        while i < n {
            let c = buffer[i]
            if c == 0x0A { throw .bareLineFeed }
            if c == 0x0D {
                if i + 1 >= n { break }
                if buffer[i + 1] != 0x0A { throw .bareLineFeed }
                lineScanned = 0
                return i
            }
            i += 1
            if i - start > maxScan { throw .badChunk("line longer than \(maxScan) bytes") }
        }
        lineScanned = i - start
        return nil
    }

    static func parseChunkSize(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> Int {
        var size = 0
        var digits = 0
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            let d: Int
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = Int(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = Int(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = Int(c - UInt8(ascii: "A") + 10)
            default: d = -1
            }
            if d < 0 { break }
            digits += 1
            if digits > 15 { throw .badChunk("chunk size too large") }
            size = size << 4 | d
            i += 1
        }
        if digits == 0 { throw .badChunk("chunk size is not hexadecimal") }
        // Only whitespace before an extension, or nothing.
        while i < line.endIndex, line[i] == 0x20 || line[i] == 0x09 { i += 1 }
        if i < line.endIndex, line[i] != UInt8(ascii: ";") { throw .badChunk("junk after chunk size") }
        return size
    }
}
