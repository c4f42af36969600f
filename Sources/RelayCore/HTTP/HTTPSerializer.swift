/// Writes heads and chunk framing as bytes, appending to a caller's buffer so that head and
/// body can go out in one write.
public enum HTTPSerializer {
    /// Appends a request head (`METHOD target HTTP/1.1`, headers, blank line).
    public static func write(_ head: HTTPRequestHead, into out: inout [UInt8]) {
        writeRequestLine(head, into: &out)
        writeFields(head.headers, into: &out)
        endHead(into: &out)
    }

    /// Appends a response head (`HTTP/1.1 200 OK`, headers, blank line).
    public static func write(_ head: HTTPResponseHead, into out: inout [UInt8]) {
        writeStatusLine(head, into: &out)
        writeFields(head.headers, into: &out)
        endHead(into: &out)
    }

    /// Appends a request head with the framing of its body, the one rule for every request
    /// the relay sends: `Content-Length` when the length is known (for POST, PUT and PATCH
    /// even when it is 0: servers refuse those without one), chunked when it is not.
    /// - Returns: whether the body must be sent chunked.
    @discardableResult
    public static func writeRequest(_ head: HTTPRequestHead, bodyLength: Int?, into out: inout [UInt8]) -> Bool {
        // Room for the whole head at once: grown field by field, the buffer was copied
        // several times for every request forwarded.
        out.reserveCapacity(out.count + 64 + head.target.utf8.count
            + head.headers.fields.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 })
        writeRequestLine(head, into: &out)
        for f in head.headers.fields {
            if HTTPHeaders.equalsIgnoringCase(f.name, "content-length") || HTTPHeaders.equalsIgnoringCase(f.name, "transfer-encoding") {
                continue
            }
            writeField(f.name, f.value, into: &out)
        }
        let chunked = bodyLength == nil
        if let n = bodyLength {
            if n > 0 || head.method == "POST" || head.method == "PUT" || head.method == "PATCH" { writeContentLength(n, into: &out) }
        } else {
            writeField("Transfer-Encoding", "chunked", into: &out)
        }
        endHead(into: &out)
        return chunked
    }

    /// The last chunk of a chunked body, with no trailers.
    public static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)

    /// Appends a piece of a body, in a chunk when `chunked` (nothing for an empty piece,
    /// which would read as the last chunk).
    public static func writeBodyPiece(_ piece: ArraySlice<UInt8>, chunked: Bool, into out: inout [UInt8]) {
        guard !piece.isEmpty else { return }
        if chunked { writeChunkHeader(count: piece.count, into: &out) }
        out.append(contentsOf: piece)
        if chunked { writeChunkEnd(into: &out) }
    }

    /// Appends `METHOD target HTTP/x.y` and its CRLF; fields and `endHead` follow. For a
    /// writer that adds or skips fields as it goes, without building another header list.
    public static func writeRequestLine(_ head: HTTPRequestHead, into out: inout [UInt8]) {
        out.append(contentsOf: head.method.utf8)
        out.append(0x20)
        out.append(contentsOf: head.target.utf8)
        out.append(0x20)
        writeVersion(head.version, into: &out)
        appendCRLF(&out)
    }

    /// Appends `HTTP/x.y status reason` (the version given, else the head's) and its CRLF.
    public static func writeStatusLine(_ head: HTTPResponseHead, version: HTTPVersion? = nil, into out: inout [UInt8]) {
        writeVersion(version ?? head.version, into: &out)
        out.append(0x20)
        out.appendDecimal(head.status)
        out.append(0x20)
        out.append(contentsOf: head.reason.utf8)
        appendCRLF(&out)
    }

    /// Appends one `name: value` line.
    @inline(__always)
    public static func writeField(_ name: String, _ value: String, into out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        out.append(UInt8(ascii: ":"))
        out.append(0x20)
        out.append(contentsOf: value.utf8)
        appendCRLF(&out)
    }

    /// Appends `Content-Length: n`.
    public static func writeContentLength(_ n: Int, into out: inout [UInt8]) {
        out.append(contentsOf: "Content-Length: ".utf8)
        out.appendDecimal(n)
        appendCRLF(&out)
    }

    /// Appends the blank line that ends a head.
    public static func endHead(into out: inout [UInt8]) { appendCRLF(&out) }

    /// Appends the size line of a chunk of `count` bytes (nothing for 0: use `writeLastChunk`).
    public static func writeChunkHeader(count: Int, into out: inout [UInt8]) {
        out.append(contentsOf: String(count, radix: 16).utf8)
        appendCRLF(&out)
    }

    /// Appends the CRLF that closes a chunk's data.
    public static func writeChunkEnd(into out: inout [UInt8]) { appendCRLF(&out) }

    /// Appends the last chunk and the trailers.
    public static func writeLastChunk(trailers: HTTPHeaders = HTTPHeaders(), into out: inout [UInt8]) {
        out.append(0x30)
        appendCRLF(&out)
        writeFields(trailers, into: &out)
        endHead(into: &out)
    }

    @inline(__always)
    private static func appendCRLF(_ out: inout [UInt8]) {
        out.append(0x0D)
        out.append(0x0A)
    }

    private static func writeVersion(_ v: HTTPVersion, into out: inout [UInt8]) {
        out.append(contentsOf: "HTTP/".utf8)
        out.append(UInt8(0x30 + v.major))
        out.append(UInt8(ascii: "."))
        out.append(UInt8(0x30 + v.minor))
    }

    private static func writeFields(_ headers: HTTPHeaders, into out: inout [UInt8]) {
        for f in headers.fields { writeField(f.name, f.value, into: &out) }
    }
}

extension Array where Element == UInt8 {
    /// Appends a number in decimal, without making a String.
    mutating func appendDecimal(_ n: Int) {
        if n < 0 { append(UInt8(ascii: "-")) }
        var v = n.magnitude
        guard v > 0 else { return append(0x30) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 20 digits
        Swift.withUnsafeMutableBytes(of: &digits) { d in
            var i = d.count
            while v > 0 {
                i -= 1
                d[i] = UInt8(0x30 + v % 10)
                v /= 10
            }
            append(contentsOf: UnsafeRawBufferPointer(rebasing: d[i...]))
        }
    }
}
