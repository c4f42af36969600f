import JMAPRelay
import RelayTestSupport
import Testing

/// JMAP over WebSocket (RFC 8887) through the relay: frames pass unchanged, the JMAP inside is traced.
@Suite struct WebSocketRelayTests {
    /// RFC 6455 §1.3's example (checked with `openssl sha1 -binary | base64`).
    @Test func acceptValueMatchesRFC6455() {
        #expect(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func relaysRequestsPushAndCloseAndTracesThem() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let session = try h.client()
        _ = try session.request("GET", "/jmap/session")

        let ws = try RawWebSocketClient(port: h.port, path: "/jmap/ws/", headers: [
            "Sec-WebSocket-Protocol": "jmap", "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits",
        ])
        defer { ws.close() }
        #expect(ws.handshake.status == 101)
        #expect(ws.handshake.headers["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(ws.handshake.headers["sec-websocket-protocol"] == "jmap")
        let upgrade = try #require(up.requests.last)
        #expect(upgrade.headers["sec-websocket-extensions"] == nil, "the compression offer went upstream")
        #expect(upgrade.headers["sec-websocket-key"] == ws.key)

        try ws.sendText(#"{"@type":"Request","id":"r1","using":["urn:ietf:params:jmap:core"],"methodCalls":[["Mailbox/get",{"accountId":"u1"},"a"],["Email/query",{},"b"]]}"#)
        let r1 = try ws.readJSON()
        #expect(r1["@type"] == "Response")
        #expect(r1["requestId"] == "r1")
        #expect(r1["methodResponses"]?[1]?[0] == "Email/query")

        // A request in two fragments with a ping between them, the first split across writes.
        let first = WebSocketFrame.text(#"{"@type":"Request","id":"r2","using":[],"#, fin: false, maskKey: [1, 2, 3, 4]).serialized()
        try ws.send(bytes: Array(first.prefix(5)))
        try ws.send(bytes: Array(first.dropFirst(5)) + WebSocketFrame(opcode: .ping, maskKey: [9, 9, 9, 9], payload: [7]).serialized())
        try ws.send(WebSocketFrame(opcode: .continuation, maskKey: [5, 6, 7, 8], payload: Array(#""methodCalls":[["Core/echo",{},"c"]]}"#.utf8)))
        #expect(try ws.readMessage() == .control(WebSocketFrame(opcode: .pong, payload: [7])))
        #expect(try ws.readJSON()["requestId"] == "r2")

        try ws.sendText(#"{"@type":"WebSocketPushEnable","dataTypes":["Email","Mailbox"]}"#)
        let change = try ws.readJSON()
        #expect(change["@type"] == "StateChange")
        #expect(change["changed"]?["u1"]?["Email"] == "s2")

        try ws.send(.close(code: 4000, reason: "done", maskKey: [1, 1, 2, 2]))
        let closing = try ws.readFrame()
        #expect(closing.closeCode == 4000)
        #expect(up.webSocketCloseCodes == [4000])
        #expect(ws.isClosedByPeer())

        let upgradeLine = try #require(h.waitForTrace(containing: "GET /jmap/ws/ 101"))
        let seq = try #require(upgradeLine.split(separator: " ").first)
        for expected in [
            "ws > Request r1 Mailbox/get,Email/query",
            "ws < Response r1 Mailbox/get,Email/query ",
            "ws > Request r2 Core/echo",
            "ws < Response r2 Core/echo ",
            "ws > WebSocketPushEnable dataTypes=Email,Mailbox",
            "ws < push state  u1: Email=s2 Mailbox=s1",
            "ws > close 4000 \"done\"",
            "ws < close 4000",
        ] {
            let line = h.waitForTrace(containing: expected)
            #expect(line?.hasPrefix("\(seq) ws ") == true, "no trace line with \(expected): \(h.traceLines)")
        }
        #expect(!h.traceLines.contains { $0.contains("unreadable") })
    }
}
