import JMAPRelay
import RelayCore
import RelayTestSupport
import Testing

/// What the event loops must do on every connection: pipelined requests in order,
/// keep-alive to the upstream, chunked and large bodies streamed with the connection serving
/// on afterwards, idle and slow clients cut at their timeouts.
@Suite struct EventLoopTests {
    /// An upstream answering with the request's target and body.
    static func echoUpstream() throws -> FakeUpstream {
        try FakeUpstream { head, body in
            .respond(status: 200, headers: ["Content-Type": "text/plain"], body: Array(head.target.utf8) + body)
        }
    }

    @Test
    func pipelinedRequestsAreAnsweredInOrder() throws {
        let up = try Self.echoUpstream()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let c = try h.client()
        try c.send("GET /a HTTP/1.1\r\nHost: localhost\r\n\r\nPOST /b HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nhiGET /c HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(try c.readResponse().text == "/a")
        #expect(try c.readResponse().text == "/bhi")
        #expect(try c.readResponse().text == "/c")
    }

    @Test
    func keepAliveReusesOneUpstreamConnection() throws {
        let up = try Self.echoUpstream()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let c = try h.client()
        for i in 0..<10 { #expect(try c.request("GET", "/n\(i)").text == "/n\(i)") }
        #expect(up.connectionCount == 1)
    }

    @Test
    func aChunkedRequestLeavesTheConnectionServing() throws {
        let up = try Self.echoUpstream()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let c = try h.client()
        try c.send("POST /up HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        #expect(try c.readResponse().text == "/uphello")
        #expect(try c.request("GET", "/after").text == "/after")
        h.waitForExchanges(2)
        #expect(h.relay.exchanges().count == 2)
    }

    @Test
    func aBigChunkedAnswerIsStreamed() throws {
        // Bigger than what a loop buffers, chunked: the loop has read part of it already.
        let chunk = (0..<(256 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var raw = Array("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        for _ in 0..<12 { raw += Array("40000\r\n".utf8) + chunk + Array("\r\n".utf8) }
        raw += Array("0\r\n\r\n".utf8)
        let answer = raw
        let up = try FakeUpstream { _, _ in .raw(answer) }
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let r = try h.client().request("GET", "/download/big.bin")
        #expect(r.head.status == 200)
        #expect(r.body.count == 12 * chunk.count)
        #expect(r.body == Array((0..<12).map { _ in chunk }.joined()))
    }

    @Test
    func idleAndSlowClientsAreClosedAtTheirTimeouts() throws {
        let up = try Self.echoUpstream()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL) { c in
            c.idleTimeout = .milliseconds(300)
            c.headTimeout = .milliseconds(300)
        }
        defer { h.stop() }
        let idle = try RawHTTPClient(port: h.port, readTimeout: .seconds(5))
        #expect(try idle.request("GET", "/x").text == "/x")
        // End of stream (not the client's own read timeout) within the client's 5 s.
        #expect(throws: RawHTTPClient.ClosedBeforeResponse.self) { try idle.readByte() }
        // A head that began and stalled gets 408 with a problem body, then the close.
        let slow = try RawHTTPClient(port: h.port, readTimeout: .seconds(5))
        try slow.send("GET /y HTTP/1.1\r\nHo")
        let answer = try slow.readResponse()
        #expect(answer.head.status == 408)
        #expect(answer.json?["type"] == "urn:jmap-relay:error:request-timeout")
        #expect(slow.isClosedByPeer())
    }

    @Test func stoppingEndsAnOpenEventStreamAtOnce() throws {
        let stream = FakeEventStream()
        let up = try FakeUpstream.jmap(eventStream: stream)
        defer { up.stop() }
        // A long drain: stop must not wait for a stream that never finishes on its own.
        let h = try RelayHarness(upstream: up.baseURL) { $0.drainTimeout = .seconds(30) }
        let c = try h.client()
        _ = try c.request("GET", "/jmap/session")
        try c.send("GET /jmap/eventsource/?types=*&closeafter=no&ping=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        let head = try c.readHead()
        #expect(head.status == 200, "\(head)")
        let started = ContinuousClock.now
        h.stop()
        #expect(ContinuousClock.now - started < .seconds(10))
        // The client sees the stream end (the last chunk, then the close).
        while let piece = try? c.readBodyPiece(), !piece.isEmpty {}
        #expect(c.isClosedByPeer())
        stream.end()
    }
}
