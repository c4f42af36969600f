import JMAPRelay

extension FakeUpstream {
    /// Writes a streamed answer: the head, then each piece as one chunk as soon as it exists.
    func writeStream(_ conn: Socket, status: Int, headers: HTTPHeaders, next: () -> [UInt8]?) throws {
        var head = HTTPResponseHead(status: status, headers: headers)
        head.headers.add("Transfer-Encoding", "chunked")
        var out: [UInt8] = []
        HTTPSerializer.write(head, into: &out)
        try conn.write(out)
        while let piece = next() {
            out.removeAll()
            HTTPSerializer.writeChunkHeader(count: piece.count, into: &out)
            out += piece
            HTTPSerializer.writeChunkEnd(into: &out)
            try conn.write(out)
        }
        out.removeAll()
        HTTPSerializer.writeLastChunk(into: &out)
        try conn.write(out)
    }

    /// Accepts a WebSocket upgrade and plays an RFC 8887 server: a `Request` gets a `Response`
    /// (calls answered by `api`), anything else a `RequestError`, `WebSocketPushEnable` a
    /// `StateChange`, ping a pong, and a close is recorded and echoed with the same code.
    func serveWebSocket(
        _ conn: Socket, request: HTTPRequestHead, leftover: [UInt8], subprotocol: String?,
        api: (String, JSONValue, String) -> JSONValue
    ) throws {
        guard let key = request.headers["sec-websocket-key"] else {
            try conn.write(Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".utf8))
            return
        }
        var head = HTTPResponseHead(status: 101, headers: [
            "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Accept": WebSocketHandshake.acceptValue(forKey: key),
        ])
        if let subprotocol { head.headers.add("Sec-WebSocket-Protocol", subprotocol) }
        var out: [UInt8] = []
        HTTPSerializer.write(head, into: &out)
        try conn.write(out)
        var parser = WebSocketFrameParser()
        var assembler = WebSocketMessageAssembler()
        parser.append(leftover)
        while true {
            while let frame = try parser.next() {
                switch try assembler.push(frame) {
                case .message(.text, let bytes)?:
                    if let a = Self.answer(bytes, api: api) {
                        try conn.write(WebSocketFrame(opcode: .text, payload: a.serialized()).serialized())
                    }
                case .control(let f)? where f.opcode == .ping:
                    try conn.write(WebSocketFrame(opcode: .pong, payload: f.payload).serialized())
                case .control(let f)? where f.opcode == .close:
                    closeCodes.withLock { $0.append(f.closeCode ?? 1005) }
                    try conn.write(WebSocketFrame.close(code: f.closeCode ?? 1000).serialized())
                    return
                default: break
                }
            }
            let chunk = try conn.read(max: 64 * 1024)
            if chunk.isEmpty { return }
            parser.append(chunk)
        }
    }

    /// The JMAP answer to one text message (none to `WebSocketPushDisable`).
    static func answer(_ bytes: [UInt8], api: (String, JSONValue, String) -> JSONValue) -> JSONValue? {
        let v = try? JSONParser.parse(bytes)
        switch v?["@type"]?.stringValue {
        case "Request":
            if let calls = v?["methodCalls"]?.arrayValue {
                let responses: [JSONValue] = calls.map { c in
                    let name = c[0]?.stringValue ?? ""
                    let id = c[2]?.stringValue ?? ""
                    return .array([.string(name), api(name, c[1] ?? .null, id), .string(id)])
                }
                return ["@type": "Response", "requestId": v?["id"] ?? .null, "methodResponses": .array(responses), "sessionState": "s1"]
            }
        case "WebSocketPushDisable":
            return nil
        case "WebSocketPushEnable":
            return ["@type": "StateChange", "changed": ["u1": ["Email": "s2", "Mailbox": "s1"]]]
        default: break
        }
        return ["@type": "RequestError", "requestId": v?["id"] ?? .null, "type": "urn:ietf:params:jmap:error:notRequest", "status": 400]
    }
}
