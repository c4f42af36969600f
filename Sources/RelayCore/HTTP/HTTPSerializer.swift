/// Writes heads and chunk framing as bytes, appending to a caller's buffer so that head and
/// body can go out in one write.
public enum HTTPSerializer {
    /// Appends a request head (`METHOD target HTTP/1.1`, headers, blank line).
    public static func write(_ head: HTTPRequestHead, into out: inout [UInt8]) {
        out.append(contentsOf: head.method.utf8)
        out.append(0x20)
        out.append(contentsOf: head.target.utf8)
        out.append(0x20)
        writeVersion(head.version, into: &out)
        appendCRLF(&out)
        writeFields(head.headers, into: &out)
    }

    /// Appends a response head (`HTTP/1.1 200 OK`, headers, blank line).
    public static func write(_ head: HTTPResponseHead, into out: inout [UInt8]) {
        writeVersion(head.version, into: &out)
        out.append(0x20)
        out.append(contentsOf: String(head.status).utf8)
        out.append(0x20)
        out.append(contentsOf: head.reason.utf8)
        appendCRLF(&out)
        writeFields(head.headers, into: &out)
    }

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
        for f in headers.fields {
            out.append(contentsOf: f.name.utf8)
            out.append(UInt8(ascii: ":"))
            out.append(0x20)
            out.append(contentsOf: f.value.utf8)
            appendCRLF(&out)
        }
        appendCRLF(&out)
    }
}
