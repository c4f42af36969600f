import JMAPRelay

/// A minimal HTTP/1.1 client for tests that must control the bytes on the wire: sends raw
/// requests on one keep-alive connection and reads whole responses with the project's codec.
public final class RawHTTPClient: @unchecked Sendable {
    // Owned by the test that created it.
    /// The socket, or TLS over it.
    private let stream: ClientStream
    private var parser = HTTPResponseParser()

    public init(port: Int, readTimeout: Duration = .seconds(10)) throws {
        stream = try ClientStream(port: port)
        stream.socket.setReadTimeout(readTimeout)
    }

    /// Connects over TLS, trusting the CA in `caFile` and checking the certificate is for `serverName`.
    public init(port: Int, trusting caFile: String, serverName: String = "127.0.0.1", readTimeout: Duration = .seconds(10)) throws {
        stream = try ClientStream(port: port, trusting: caFile, serverName: serverName)
        stream.socket.setReadTimeout(readTimeout)
    }

    /// A response read whole.
    public struct Response: Sendable {
        public var head: HTTPResponseHead
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
        public var json: JSONValue? { try? JSONParser.parse(body) }
    }

    /// Sends raw bytes.
    public func send(_ bytes: [UInt8]) throws { try stream.write(bytes) }
    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Sends a request with optional body and reads its response.
    public func request(_ method: String, _ target: String, headers: HTTPHeaders = [:], body: [UInt8]? = nil) throws -> Response {
        var h = HTTPRequestHead(method: method, target: target, headers: headers)
        if !h.headers.contains("host") { h.headers.add("Host", "127.0.0.1") }
        if let body { h.headers.add("Content-Length", String(body.count)) }
        var out: [UInt8] = []
        HTTPSerializer.write(h, into: &out)
        out += body ?? []
        try send(out)
        return try readResponse(to: method)
    }

    /// Reads one response; nil when the connection closed before any byte.
    public func readResponse(to method: String = "GET") throws -> Response {
        parser.expectResponse(to: method)
        var head: HTTPResponseHead?
        var body: [UInt8] = []
        while true {
            while let part = try parser.next() {
                switch part {
                case .head(let h): head = h
                case .body(let b): body += b
                case .end: return Response(head: head!, body: body)
                }
            }
            let chunk = try stream.read(max: 64 * 1024)
            if chunk.isEmpty {
                parser.appendEOF()
                if let part = try parser.next(), case .end = part, let head { return Response(head: head, body: body) }
                if head == nil { throw ClosedBeforeResponse() }
            } else {
                parser.append(Array(chunk))
            }
        }
    }

    /// Reads a response head only; its body is then read with `readBodyPiece()` as it streams.
    public func readHead(to method: String = "GET") throws -> HTTPResponseHead {
        parser.expectResponse(to: method)
        while true {
            if let part = try parser.next(), case .head(let h) = part { return h }
            let chunk = try stream.read(max: 64 * 1024)
            if chunk.isEmpty { throw ClosedBeforeResponse() }
            parser.append(Array(chunk))
        }
    }

    /// The next piece of a streamed body, as soon as it arrives; nil at its end.
    public func readBodyPiece() throws -> [UInt8]? {
        while true {
            if let part = try parser.next() {
                switch part {
                case .body(let b): if !b.isEmpty { return Array(b) }
                case .end: return nil
                case .head: continue
                }
                continue
            }
            let chunk = try stream.read(max: 64 * 1024)
            if chunk.isEmpty {
                parser.appendEOF()
                if let part = try parser.next(), case .end = part { return nil }
                throw ClosedBeforeResponse()
            }
            parser.append(Array(chunk))
        }
    }

    /// Whether the server closed the connection (reads end of stream within the timeout).
    public func isClosedByPeer() -> Bool {
        guard let b = try? stream.read(max: 1) else { return true }
        return b.isEmpty
    }

    /// Waits up to `timeout` for the server to close the connection, dropping what it sends
    /// before closing; false if it is still open then. Also the pace of a slow sender.
    public func waitForClose(timeout: Duration) -> Bool {
        while stream.waitReadable(timeout: timeout) {
            guard let b = try? stream.read(max: 64 * 1024) else { return true }
            if b.isEmpty { return true }
        }
        return false
    }

    /// Reads one byte straight from the socket (for interim responses read by hand).
    public func readByte() throws -> UInt8 {
        let b = try stream.read(max: 1)
        guard let x = b.first else { throw ClosedBeforeResponse() }
        return x
    }

    public func close() { stream.close() }

    /// The server closed the connection without a response.
    public struct ClosedBeforeResponse: Error {}
}
