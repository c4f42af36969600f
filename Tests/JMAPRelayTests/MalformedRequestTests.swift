import JMAPRelay
import RelayTestSupport
import Testing

/// The malformed-request catalog end to end: each request is refused with the codec's status
/// and a problem body, its connection is closed, and a client already connected keeps being
/// served. Cases RelayFailureTests covers (CL with TE, two Content-Length lines, bare LF,
/// a non-hex chunk, too many headers, a large header) are not repeated.
@Suite struct MalformedRequestTests {
    static let chunked = "POST /jmap/upload/u1/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
    static let api = "POST /jmap/api/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"

    static let catalog: [(String, String, Int)] = [
        // Smuggling: framing that two servers could read two ways.
        ("TE then CL", "POST /jmap/upload/u1/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", 400),
        ("TE chunked, identity", "POST /jmap/upload/u1/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 501),
        ("TE identity", "POST /jmap/upload/u1/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: identity\r\n\r\n", 501),
        ("TE chunked in HTTP/1.0", "POST /jmap/upload/u1/ HTTP/1.0\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501),
        ("CL list with two values", "POST /jmap/upload/u1/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1, 2\r\n\r\nab", 400),
        ("CL with a sign", "POST /jmap/upload/u1/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: +2\r\n\r\nab", 400),
        ("CL negative", "POST /jmap/upload/u1/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: -1\r\n\r\n", 400),
        ("CL in hex", "POST /jmap/upload/u1/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0x2\r\n\r\nab", 400),
        ("CL over Int", "POST /jmap/upload/u1/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999999999999999\r\n\r\n", 400),
        ("TE folded onto the next line", "POST /jmap/upload/u1/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", 400),
        ("obs-fold continuation", "GET / HTTP/1.1\r\nHost: localhost\r\nX-A: 1\r\n\tmore\r\n\r\n", 400),
        ("space before colon (TE)", "POST /jmap/upload/u1/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400),
        ("space before colon (Host)", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
        ("empty field name", "GET / HTTP/1.1\r\nHost: localhost\r\n: v\r\n\r\n", 400),
        ("bare CR in a value", "GET / HTTP/1.1\r\nHost: localhost\r\nX: a\rb\r\n\r\n", 400),
        ("bare LF after a header", "GET / HTTP/1.1\r\nHost: x\n\r\n", 400),
        // Chunk framing, on a streamed upload and on a buffered API call.
        ("negative chunk size", chunked + "-1\r\nx\r\n0\r\n\r\n", 400),
        ("0x chunk size", chunked + "0x5\r\nhello\r\n0\r\n\r\n", 400),
        ("chunk size over 60 bits", chunked + "10000000000000000\r\n", 400),
        ("chunk size 2^64-1", chunked + "ffffffffffffffff\r\n", 400),
        ("space inside a chunk size", chunked + "1 0\r\n0123456789abcdef\r\n0\r\n\r\n", 400),
        ("empty chunk size line", chunked + "\r\n", 400),
        ("chunk longer than its size", chunked + "3\r\nabcdef\r\n0\r\n\r\n", 400),
        ("bare LF after a chunk size", chunked + "5\nhello\r\n0\r\n\r\n", 400),
        ("API: chunk size overflow", api + "fffffffffffffffff\r\n", 400),
        ("API: chunk longer than its size", api + "2\r\n{}}\r\n0\r\n\r\n", 400),
        // Start lines.
        ("invalid method character", "G(T / HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
        ("two spaces", "GET  / HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
        ("no version", "GET /\r\nHost: localhost\r\n\r\n", 400),
        ("lowercase version", "GET / http/1.1\r\nHost: localhost\r\n\r\n", 400),
        ("HTTP/2.0", "GET / HTTP/2.0\r\nHost: localhost\r\n\r\n", 505),
        ("HTTP/1.2", "GET / HTTP/1.2\r\nHost: localhost\r\n\r\n", 505),
        ("HTTP/0.9", "GET / HTTP/0.9\r\nHost: localhost\r\n\r\n", 505),
        ("request line over the head limit", "GET /" + String(repeating: "a", count: 70_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n", 414),
        // NUL bytes.
        ("NUL in the method", "G\0T / HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
        ("NUL in the target", "GET /a\0b HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
        ("NUL in a field name", "GET / HTTP/1.1\r\nHost: localhost\r\nX\0Y: a\r\n\r\n", 400),
        ("NUL in a field value", "GET / HTTP/1.1\r\nHost: localhost\r\nX: a\0b\r\n\r\n", 400),
    ]

    /// Runs `body`, naming the step in the error it throws.
    static func step<T>(_ name: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw StepFailed(step: name, error: "\(error)") }
    }

    struct StepFailed: Error { var step: String; var error: String }

    @Test(arguments: catalog)
    func refusedClosedAndOthersServed(_ c: (String, String, Int)) throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        // A client already connected before the bad one, on a keep-alive connection.
        let good = try h.client()
        #expect(try Self.step("good client, before") { try good.request("GET", "/jmap/session").head.status } == 200)
        let bad = try h.client()
        try bad.send(c.1)
        let r = try Self.step("\(c.0): the refusal") { try bad.readResponse() }
        #expect(r.head.status == c.2, "\(c.0)")
        #expect(r.head.headers["content-type"] == "application/problem+json", "\(c.0)")
        #expect(r.json?["status"]?.intValue == c.2, "\(c.0)")
        #expect(bad.waitForClose(timeout: .seconds(5)), "\(c.0): connection must be closed")
        #expect(try Self.step("good client, after") { try good.request("GET", "/jmap/session").head.status } == 200)
    }

    @Test(arguments: [
        ("chunked upload", "POST /jmap/upload/u1/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nb\r\nhello world\r\n0\r\n\r\n"),
        ("chunked API call", "POST /jmap/api/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n{\"a\":\"bcd\"}\r\n0\r\n\r\n"),
        ("100-continue", "POST /jmap/upload/u1/ HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n"),
    ])
    func bodyOverMaxBodySizeIs413(_ c: (String, String)) throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL) { $0.maxRequestBodyBytes = 10 }
        defer { h.stop() }
        let bad = try h.client()
        try bad.send(c.1)
        // With 100-continue the answer comes before the body: no `100 Continue` first.
        let r = try bad.readResponse()
        #expect(r.head.status == 413, "\(c.0)")
        #expect(bad.waitForClose(timeout: .seconds(5)), "\(c.0)")
        #expect(try h.client().request("GET", "/jmap/session").head.status == 200)
    }

    @Test func slowlorisIsCutOffByTheHeadTimeout() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL) { $0.headTimeout = .seconds(1) }
        defer { h.stop() }
        let head = Array("GET /jmap/session HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 200)
        let slow = try (0..<3).map { _ in try h.client() }
        let good = try h.client()
        let clock = ContinuousClock()
        let start = clock.now
        var open = Set(slow.indices)
        var sent = 0
        // One byte per connection about every 100 ms, until each sees its close; the pause
        // is the wait for that close. Meanwhile another client keeps being served.
        while !open.isEmpty, sent < head.count, clock.now - start < .seconds(8) {
            for i in open {
                if (try? slow[i].send([head[sent]])) == nil || slow[i].waitForClose(timeout: .milliseconds(33)) {
                    open.remove(i)
                }
            }
            sent += 1
            if sent % 5 == 0 { #expect(try good.request("GET", "/jmap/session").head.status == 200) }
        }
        let took = clock.now - start
        #expect(open.isEmpty, "slow clients still connected after \(took), \(sent) bytes each")
        #expect(took >= .milliseconds(900), "closed after \(took): before the head timeout")
        #expect(try good.request("GET", "/jmap/session").head.status == 200)
    }

    @Test func aSubSecondHeadTimeoutStillAllowsAHeadInPieces() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        // The deadline used whole seconds only: 900 ms became 0 and cut any head not read at once.
        let h = try RelayHarness(upstream: up.baseURL) { $0.headTimeout = .milliseconds(900) }
        defer { h.stop() }
        let c = try h.client()
        try c.send("GET /jmap/session HTTP/1.1\r\n")
        #expect(!c.waitForClose(timeout: .milliseconds(50)), "cut off before its head timeout")
        try c.send("Host: localhost\r\n\r\n")
        #expect(try c.readResponse().head.status == 200)
    }
}
