import JMAPRelay

/// A WebSocket client for tests that must see the frames on the wire: it does the RFC 6455
/// handshake on a plain connection, sends frames as given (masked or not) and reads them back
/// with the project's parser.
public final class RawWebSocketClient: @unchecked Sendable {
    // Owned by the test that created it.
    /// The socket, or TLS over it.
    private let socket: ClientStream
    private var parser = WebSocketFrameParser()
    private var assembler = WebSocketMessageAssembler()
    /// The `101` (or refusal) the server answered the handshake with.
    public private(set) var handshake: HTTPResponseHead
    /// The key sent, to check `Sec-WebSocket-Accept` against.
    public let key = "dGhlIHNhbXBsZSBub25jZQ=="

    /// Connects (over TLS when `trusting` names a CA file) and sends the upgrade request for
    /// `path` with extra `headers`.
    public init(port: Int, path: String, headers: HTTPHeaders = [:], trusting caFile: String? = nil) throws {
        socket = try caFile.map { try ClientStream(port: port, trusting: $0, serverName: "127.0.0.1") } ?? ClientStream(port: port)
        var h = HTTPRequestHead(method: "GET", target: path, headers: [
            "Host": "127.0.0.1:\(port)", "Upgrade": "websocket", "Connection": "Upgrade",
            "Sec-WebSocket-Key": key, "Sec-WebSocket-Version": "13",
        ])
        for f in headers { h.headers.add(f.name, f.value) }
        var out: [UInt8] = []
        HTTPSerializer.write(h, into: &out)
        try socket.write(out)
        var http = HTTPResponseParser()
        http.expectResponse(to: "GET")
        while true {
            if let part = try http.next(), case .head(let head) = part {
                handshake = head
                break
            }
            let chunk = try socket.read(max: 4096)
            if chunk.isEmpty { throw RawHTTPClient.ClosedBeforeResponse() }
            http.append(Array(chunk))
        }
        if handshake.status == 101 { parser.append(http.takeRemaining()) }
    }

    /// Sends one frame as given.
    public func send(_ frame: WebSocketFrame) throws { try socket.write(frame.serialized()) }

    /// Sends raw bytes (several frames, or a frame split by hand).
    public func send(bytes: [UInt8]) throws { try socket.write(bytes) }

    /// Sends a text message in one masked frame, as a client must (RFC 6455 §5.3).
    public func sendText(_ text: String) throws { try send(.text(text, maskKey: [0x12, 0x34, 0x56, 0x78])) }

    /// The next whole frame.
    public func readFrame() throws -> WebSocketFrame {
        while true {
            if let f = try parser.next() { return f }
            let chunk = try socket.read(max: 64 * 1024)
            if chunk.isEmpty { throw RawHTTPClient.ClosedBeforeResponse() }
            parser.append(chunk)
        }
    }

    /// The next whole message or control frame.
    public func readMessage() throws -> WebSocketMessageAssembler.Output {
        while true {
            if let out = try assembler.push(try readFrame()) { return out }
        }
    }

    /// The next text message parsed as JSON.
    public func readJSON() throws -> JSONValue {
        while true {
            if case .message(.text, let bytes) = try readMessage() { return try JSONParser.parse(bytes) }
        }
    }

    /// Whether the server closed the TCP connection (end of stream within the timeout).
    public func isClosedByPeer() -> Bool {
        guard let b = try? socket.read(max: 1) else { return true }
        return b.isEmpty
    }

    public func close() { socket.close() }
}
