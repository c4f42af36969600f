import JMAPRelay
import RelayTestSupport
import Testing

@Suite struct RelayEndToEndTests {
    @Test func rewritesTheSessionThroughTheRedirect() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let c = try h.client()
        let r1 = try c.request("GET", "/.well-known/jmap")
        #expect(r1.head.status == 301)
        #expect(r1.head.headers["location"] == "http://127.0.0.1:\(h.port)/jmap/session")
        let r2 = try c.request("GET", "/jmap/session")
        let s = try #require(r2.json)
        let base = "http://127.0.0.1:\(h.port)"
        #expect(s["apiUrl"] == .string(base + "/jmap/api/"))
        #expect(s["downloadUrl"] == .string(base + "/jmap/download/{accountId}/{blobId}/{name}?accept={type}"))
        #expect(s["eventSourceUrl"] == .string(base + "/jmap/eventsource/?types={types}&closeafter={closeafter}&ping={ping}"))
        #expect(s["capabilities"]?["urn:ietf:params:jmap:websocket"]?["url"] == .string("ws://127.0.0.1:\(h.port)/jmap/ws/"))
        #expect(r2.head.headers["content-length"] == String(r2.body.count))
    }

    @Test func tracesMethodCallsErrorsAndSetErrors() throws {
        let up = try FakeUpstream.jmap { method, args, _ in
            if method == "Email/set" { return ["notCreated": ["draft": ["type": "overQuota"]], "created": nil] }
            if method == "Fail/me" { return ["type": "serverFail"] }
            return args
        }
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let c = try h.client()
        _ = try c.request("GET", "/jmap/session")
        let body = #"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Mailbox/get",{"accountId":"u1"},"a"],["Email/set",{"create":{}},"b"]]}"#
        let r = try c.request("POST", "/jmap/api/", headers: ["Content-Type": "application/json"], body: Array(body.utf8))
        #expect(r.head.status == 200)
        #expect(r.json?["methodResponses"]?[1]?[0] == "Email/set")
        h.waitForExchanges(2)
        let line = try #require(h.traceLines.first { $0.contains("POST /jmap/api/") })
        #expect(line.hasPrefix("#2 POST /jmap/api/ 200 "))
        #expect(line.contains("Mailbox/get,Email/set"))
        #expect(line.contains("notCreated=1"))
    }

    @Test func jsonTraceNeverShowsTheAuthorization() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL, trace: .json)
        defer { h.stop() }
        let c = try h.client()
        let canary = "Bearer canary-7f3a9"
        _ = try c.request("POST", "/jmap/api/", headers: ["Authorization": canary, "Content-Type": "application/json"],
                          body: Array(#"{"using":[],"methodCalls":[["Core/echo",{},"0"]]}"#.utf8))
        _ = try c.request("GET", "/_relay/exchanges")
        h.waitForExchanges(2)
        #expect(!h.traceLines.isEmpty)
        #expect(!h.traceLines.joined().contains("canary-7f3a9"))
        #expect(!h.logLines.joined().contains("canary-7f3a9"))
        let exchanges = try c.request("GET", "/_relay/exchanges")
        #expect(!exchanges.text.contains("canary-7f3a9"))
        #expect(exchanges.text.contains("***"))
        // … while the upstream did receive it untouched.
        #expect(up.requests.contains { $0.headers["authorization"] == canary })
    }

    @Test func dropsHopByHopHeadersAndSetsTheUpstreamHost() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let c = try h.client()
        _ = try c.request("GET", "/jmap/session", headers: [
            "Connection": "keep-alive, X-Secret-Hop", "X-Secret-Hop": "1", "Keep-Alive": "timeout=5", "TE": "trailers",
            "Proxy-Authorization": "Basic eA==", "X-End-To-End": "kept", "Host": "localhost:\(h.port)",
        ])
        let seen = try #require(up.requests.last)
        #expect(seen.headers["host"] == "127.0.0.1:\(up.port)")
        for name in ["connection", "x-secret-hop", "keep-alive", "te", "proxy-authorization"] {
            #expect(seen.headers[name] == nil, "\(name) crossed the relay")
        }
        #expect(seen.headers["x-end-to-end"] == "kept")
    }

    @Test func injectsAuthorizationFromTheEnvironmentOnlyWhenAbsent() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL) { $0.injectedAuthorization = HeaderPolicy.authorization(fromSecret: "test:test") }
        defer { h.stop() }
        let c = try h.client()
        _ = try c.request("GET", "/jmap/session")
        #expect(up.requests.last?.headers["authorization"] == "Basic dGVzdDp0ZXN0")
        _ = try c.request("GET", "/jmap/session", headers: ["Authorization": "Bearer own"])
        #expect(up.requests.last?.headers["authorization"] == "Bearer own")
    }

    @Test func servesPipelinedRequestsInOrderOnOneConnection() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let c = try h.client()
        try c.send("GET /jmap/download/u1/B1/a.txt HTTP/1.1\r\nHost: localhost\r\n\r\nGET /jmap/download/u1/B2/b.txt HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(try c.readResponse().text == "/jmap/download/u1/B1/a.txt")
        #expect(try c.readResponse().text == "/jmap/download/u1/B2/b.txt")
    }

    @Test func answersExpectContinueAndStreamsAChunkedUpload() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let c = try h.client()
        try c.send("POST /jmap/upload/u1/ HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n")
        let interim = try c.readRawLine()
        #expect(interim == "HTTP/1.1 100 Continue")
        let payload = String(repeating: "x", count: 100_000)
        try c.send("186a0\r\n\(payload)\r\n0\r\n\r\n")
        let r = try c.readResponse(to: "POST")
        #expect(r.head.status == 201)
        #expect(r.json?["size"] == 100_000)
    }
}

extension RawHTTPClient {
    /// Reads the `100 Continue` interim response line (and its blank line).
    func readRawLine() throws -> String {
        var bytes: [UInt8] = []
        while !(bytes.count >= 4 && bytes.suffix(4) == [13, 10, 13, 10]) {
            let b = try readByte()
            bytes.append(b)
        }
        return String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")[0]
    }
}
