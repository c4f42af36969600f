import JMAPRelay
import RelayTestSupport
import Testing

@Suite struct RelayFailureTests {
    static let malformed: [(String, String, Int)] = [
        ("bad request line", "GARBAGE\r\n\r\n", 400),
        ("CL with TE", "POST /jmap/api/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("two CLs", "POST /jmap/api/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400),
        ("bare LF", "GET / HTTP/1.1\nHost: x\n\n", 400),
        ("bad chunk", "POST /jmap/upload/u1/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", 400),
        ("too many headers", "GET / HTTP/1.1\r\n" + (0..<101).map { "X-\($0): v\r\n" }.joined() + "\r\n", 431),
        ("head too large", "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 70_000) + "\r\n\r\n", 431),
    ]

    @Test(arguments: malformed)
    func refusesMalformedRequestsAndKeepsServing(_ c: (String, String, Int)) throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let bad = try h.client()
        try bad.send(c.1)
        let r = try bad.readResponse()
        #expect(r.head.status == c.2, "\(c.0)")
        #expect(r.head.headers["content-type"] == "application/problem+json")
        #expect(r.json?["type"]?.stringValue?.hasPrefix("urn:jmap-relay:error:") == true)
        #expect(bad.isClosedByPeer(), "\(c.0): connection must be closed")
        // Another client is unaffected.
        let good = try h.client()
        #expect(try good.request("GET", "/jmap/session").head.status == 200)
    }

    @Test func bodyOverTheLimitIs413() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL) { $0.maxRequestBodyBytes = 10 }
        defer { h.stop() }
        let c = try h.client()
        try c.send("POST /jmap/upload/u1/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\n\r\nhello world")
        #expect(try c.readResponse().head.status == 413)
    }

    @Test func refusedUpstreamIs502WithAProblemNamingIt() throws {
        let up = try FakeUpstream.jmap()
        let port = up.port
        up.stop()
        let h = try RelayHarness(upstream: "http://127.0.0.1:\(port)")
        defer { h.stop() }
        let r = try h.client().request("GET", "/.well-known/jmap")
        #expect(r.head.status == 502)
        #expect(r.json?["upstream"] == .string("http://127.0.0.1:\(port)"))
        #expect(r.json?["cause"] == "refused")
    }

    @Test func silentUpstreamIs504() throws {
        let up = try FakeUpstream { _, _ in .hang }
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL) { $0.upstreamTimeout = .milliseconds(300) }
        defer { h.stop() }
        let r = try h.client().request("GET", "/.well-known/jmap")
        #expect(r.head.status == 504)
        #expect(r.json?["cause"] == "timeout")
    }

    @Test(arguments: [
        FakeUpstream.Reply.close,
        .raw(Array("SSH-2.0-nope\r\n\r\n".utf8)),
        .raw(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort".utf8)),
    ])
    func brokenUpstreamIs502OrACutStream(_ reply: FakeUpstream.Reply) throws {
        let up = try FakeUpstream { _, _ in reply }
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let c = try h.client()
        do {
            let r = try c.request("GET", "/x")
            #expect(r.head.status == 502)
        } catch {
            // The status already went out (a lying Content-Length): the honest signal is a cut connection.
            #expect(c.isClosedByPeer())
        }
        let again = try h.client()
        _ = try? again.request("GET", "/x")
        // An exchange completes just after its reply is written: wait for it, do not race it.
        h.waitForExchanges(1)
        #expect(h.relay.exchanges().count >= 1)
    }

    @Test(arguments: ["http://evil.example/", "/_origin/9/x", "/_origin/x"])
    func isNotAnOpenProxy(_ target: String) throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let c = try h.client()
        try c.send("GET \(target) HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let r = try c.readResponse()
        #expect(r.head.status == 403)
        #expect(up.requests.isEmpty)
    }

    @Test func streamsALargeDownloadWithoutChangingIt() throws {
        let size = 8 * 1024 * 1024
        let blob = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let up = try FakeUpstream { _, _ in .respond(status: 200, headers: ["Content-Type": "application/octet-stream"], body: blob) }
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let r = try h.client().request("GET", "/download/big.bin")
        #expect(r.body.count == size)
        #expect(r.body == blob)
    }

    @Test func stopFinishesAndRefusesNewConnections() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        let c = try h.client()
        #expect(try c.request("GET", "/jmap/session").head.status == 200)
        h.stop()
        #expect(c.isClosedByPeer())
        #expect(throws: (any Error).self) { _ = try RawHTTPClient(port: h.port).request("GET", "/") }
    }
}
