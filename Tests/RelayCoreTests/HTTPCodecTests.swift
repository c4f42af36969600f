import Testing

@testable import RelayCore

/// Feeds `text` to a request parser in pieces of `step` bytes and collects what comes out.
private func parseRequests(_ text: String, step: Int = .max, limits: HTTPParserLimits = HTTPParserLimits())
    throws -> [(HTTPRequestHead, [UInt8], HTTPHeaders)]
{
    var parser = HTTPRequestParser(limits: limits)
    var out: [(HTTPRequestHead, [UInt8], HTTPHeaders)] = []
    var head: HTTPRequestHead?
    var body: [UInt8] = []
    let bytes = Array(text.utf8)
    var offset = 0
    while true {
        while let part = try parser.next() {
            switch part {
            case .head(let h): head = h; body = []
            case .body(let b): body += b
            case .end(let t): out.append((head!, body, t)); head = nil
            }
        }
        if offset >= bytes.count { break }
        let end = min(bytes.count, offset + min(step, bytes.count))
        parser.append(Array(bytes[offset..<end]))
        offset = end
    }
    return out
}

@Suite struct HTTPRequestParserTests {
    @Test(arguments: [1, 3, 7, 1000])
    func parsesPipelinedRequestsInAnySplit(step: Int) throws {
        let text =
            "POST /jmap/api/ HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\n\r\nhello"
            + "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n"
            + "GET /.well-known/jmap HTTP/1.1\r\nHost: a\r\n\r\n"
        let reqs = try parseRequests(text, step: step)
        #expect(reqs.count == 3)
        #expect(reqs[0].0.method == "POST")
        #expect(reqs[0].0.headers.values(for: "x-a") == ["1", "2"])
        #expect(reqs[0].1 == Array("hello".utf8))
        #expect(reqs[1].1 == Array("abc".utf8))
        #expect(reqs[1].2["x-trailer"] == "t")
        #expect(reqs[2].0.target == "/.well-known/jmap")
        #expect(reqs[2].1.isEmpty)
    }

    @Test func keepsHeaderOrderAndSpelling() throws {
        let reqs = try parseRequests("GET / HTTP/1.1\r\nHost: h\r\nSet-Cookie: a\r\nset-cookie: b\r\nAccept:  x  \r\n\r\n")
        #expect(reqs[0].0.headers.fields.map(\.name) == ["Host", "Set-Cookie", "set-cookie", "Accept"])
        #expect(reqs[0].0.headers["accept"] == "x")
    }

    @Test func identicalDuplicateContentLengthIsAccepted() throws {
        let reqs = try parseRequests("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok")
        #expect(reqs[0].1 == Array("ok".utf8))
    }

    @Test func toleratesLeadingEmptyLines() throws {
        let reqs = try parseRequests("\r\n\r\nGET / HTTP/1.1\r\n\r\n")
        #expect(reqs.count == 1)
    }

    /// Malformed requests and the status the relay answers with.
    static let malformed: [(String, String, Int)] = [
        ("no target", "GET HTTP/1.1\r\n\r\n", 400),
        ("extra space", "GET  / HTTP/1.1\r\n\r\n", 400),
        ("bad version", "GET / HTTP/2.0\r\n\r\n", 505),
        ("garbage version", "GET / HTCPCP/1.0\r\n\r\n", 400),
        ("bad method", "G(T / HTTP/1.1\r\n\r\n", 400),
        ("bare LF in head", "GET / HTTP/1.1\nHost: a\r\n\r\n", 400),
        ("bare CR in head", "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 400),
        ("bare LF head end", "GET / HTTP/1.1\r\nHost: a\n\n", 400),
        ("space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
        ("no colon", "GET / HTTP/1.1\r\nHost\r\n\r\n", 400),
        ("folding", "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", 400),
        ("CL with TE", "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("two CLs", "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        ("CL list", "POST / HTTP/1.1\r\nContent-Length: 3, 4\r\n\r\nabcd", 400),
        ("CL negative", "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
        ("CL plus sign", "POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\nabc", 400),
        ("CL hex", "POST / HTTP/1.1\r\nContent-Length: 0x3\r\n\r\nabc", 400),
        ("TE gzip", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        ("TE chunked twice", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 501),
        ("TE in 1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501),
        ("bad chunk size", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n", 400),
        ("huge chunk size", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", 400),
        ("chunk no CRLF", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd\r\n0\r\n\r\n", 400),
        ("chunk bare LF", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\nab\r\n0\r\n\r\n", 400),
        ("control char in value", "GET / HTTP/1.1\r\nX: a\u{01}b\r\n\r\n", 400),
    ]

    @Test(arguments: malformed)
    func rejectsMalformed(_ c: (String, String, Int)) {
        #expect(throws: HTTPParseError.self, "\(c.0)") { _ = try parseRequests(c.1) }
        do {
            _ = try parseRequests(c.1)
        } catch let e as HTTPParseError {
            #expect(e.status == c.2, "\(c.0): \(e)")
        } catch {
            Issue.record("\(c.0): unexpected \(error)")
        }
    }

    @Test func headOverLimitIs431() {
        let text = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 70_000) + "\r\n\r\n"
        #expect(throws: HTTPParseError.headTooLarge(limit: 65536)) { _ = try parseRequests(text) }
        // Refused before the end arrives: a peer that never ends its head cannot grow memory.
        #expect(throws: HTTPParseError.headTooLarge(limit: 65536)) {
            _ = try parseRequests("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 70_000), step: 4096)
        }
    }

    @Test func tooManyHeadersIs431() {
        let text = "GET / HTTP/1.1\r\n" + (0...100).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        #expect(throws: HTTPParseError.tooManyHeaders(limit: 100)) { _ = try parseRequests(text) }
    }

    @Test func bodyOverLimitIs413() {
        let limits = HTTPParserLimits(maxBodyBytes: 4)
        #expect(throws: HTTPParseError.bodyTooLarge(limit: 4)) {
            _ = try parseRequests("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", limits: limits)
        }
        #expect(throws: HTTPParseError.bodyTooLarge(limit: 4)) {
            _ = try parseRequests(
                "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", limits: limits)
        }
    }

    @Test func keepsBytesAfterUpgradeRequest() throws {
        var p = HTTPRequestParser()
        p.append(Array("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u{81}\u{85}".utf8))
        guard case .head(let h)? = try p.next() else { Issue.record("no head"); return }
        #expect(h.headers["upgrade"] == "websocket")
        guard case .end? = try p.next() else { Issue.record("no end"); return }
        #expect(p.takeRemaining().count == 4)
    }
}

@Suite struct HTTPResponseParserTests {
    private func parse(_ text: String, method: String = "GET", eof: Bool = true) throws -> (HTTPResponseHead, [UInt8])? {
        var p = HTTPResponseParser()
        p.expectResponse(to: method)
        p.append(Array(text.utf8))
        if eof { p.appendEOF() }
        var head: HTTPResponseHead?
        var body: [UInt8] = []
        while let part = try p.next() {
            switch part {
            case .head(let h): head = h
            case .body(let b): body += b
            case .end: return (head!, body)
            }
        }
        return nil
    }

    @Test func contentLengthBody() throws {
        let r = try parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        #expect(r?.0.status == 200)
        #expect(r?.1 == Array("ok".utf8))
    }

    @Test func untilCloseBody() throws {
        let r = try parse("HTTP/1.1 200 OK\r\n\r\nstreamed")
        #expect(r?.1 == Array("streamed".utf8))
    }

    @Test func headResponseHasNoBody() throws {
        let r = try parse("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", method: "HEAD", eof: false)
        #expect(r?.1 == [])
    }

    @Test func skipsInterim100AndParsesEmptyReason() throws {
        let r = try parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204\r\n\r\n", eof: false)
        #expect(r?.0.status == 204)
        #expect(r?.0.reason == "")
    }

    @Test func truncatedBodyIsAnError() {
        #expect(throws: HTTPParseError.unexpectedEnd) { _ = try parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc") }
    }

    @Test func garbageIsAnError() {
        #expect(throws: HTTPParseError.self) { _ = try parse("SSH-2.0-OpenSSH\r\n\r\n") }
    }

    /// A bad field line is named in the error: the whole name up to its colon, or the line.
    @Test(arguments: [
        ("X-A b: 1", "invalid character in field name 'X-A b'"),
        ("X(y): 1", "invalid character in field name 'X(y)'"),
        ("NoColonHere", "no colon in 'NoColonHere'"),
        ("No colon here", "no colon in 'No colon here'"),
        (": 1", "empty field name"),
    ])
    func badFieldLinesAreNamed(_ c: (String, String)) {
        #expect(throws: HTTPParseError.badHeader(c.1)) { _ = try parseRequests("GET / HTTP/1.1\r\nHost: a\r\n\(c.0)\r\n\r\n") }
    }

    @Test func valuesAreTrimmedAndMayBeEmpty() throws {
        let reqs = try parseRequests("GET / HTTP/1.1\r\nX-A:  \t one two \t\r\nX-B:\r\nX-C:x\r\n\r\n")
        #expect(reqs[0].0.headers.fields.map(\.value) == ["one two", "", "x"])
    }

    /// A keep-alive connection repeats its lines: the second head reuses the first's strings
    /// where a line repeats, and reads as if parsed alone wherever anything differs.
    @Test(arguments: [
        "X-A: one\r\nX-B:  two\t\r\n",  // the same lines
        "X-A:one\r\nX-B: two\r\n",  // other spacing, the same values
        "x-a: one\r\nX-B: twO\r\n",  // another spelling, another value
        "X-A: one\r\n",  // fewer lines
        "X-A: one\r\nX-B: two\r\nX-C: three\r\n",  // more lines
        "X-A: one\r\nX-B: two\u{01}\r\n",  // a control byte where the value was
        "X-A: one\r\nX-B : two\r\n",  // a space before the colon
        "X-A: one\r\n X-B: two\r\n",  // folding
    ])
    func repeatedLinesReadAsIfAlone(_ second: String) throws {
        let first = "POST /a HTTP/1.1\r\nX-A: one\r\nX-B: two\r\nContent-Length: 0\r\n\r\n"
        let next = "POST /a HTTP/1.1\r\n" + second + "\r\n"
        let alone = Result { try parseRequests(next) }
        let together = Result { try parseRequests(first + next) }
        switch (alone, together) {
        case (.success(let a), .success(let t)):
            #expect(t.count == 2)
            #expect(t.last?.0 == a.first?.0)
        case (.failure(let a as HTTPParseError), .failure(let t as HTTPParseError)):
            #expect(a == t)
        default:
            Issue.record("alone: \(alone), after a first request: \(together)")
        }
    }

    @Test func caseInsensitivePrefix() {
        #expect("Text/Event-Stream; charset=utf-8".hasPrefixIgnoringASCIICase("text/event-stream"))
        #expect(!"text/event".hasPrefixIgnoringASCIICase("text/event-stream"))
        #expect(!"application/json".hasPrefixIgnoringASCIICase("text/event-stream"))
        #expect("".hasPrefixIgnoringASCIICase(""))
        #expect("application/JSON; charset=utf-8".containsIgnoringASCIICase("json"))
        #expect("JSON".containsIgnoringASCIICase("json"))
        #expect(!"application/jso".containsIgnoringASCIICase("json"))
        #expect("x".containsIgnoringASCIICase(""))
    }
}

@Suite struct HTTPSerializerTests {
    @Test func roundTripsThroughTheParser() throws {
        var head = HTTPRequestHead(method: "POST", target: "/jmap/api/?a=1")
        head.headers.add("Host", "x")
        head.headers.add("Transfer-Encoding", "chunked")
        var out: [UInt8] = []
        HTTPSerializer.write(head, into: &out)
        HTTPSerializer.writeChunkHeader(count: 3, into: &out)
        out += Array("abc".utf8)
        HTTPSerializer.writeChunkEnd(into: &out)
        HTTPSerializer.writeLastChunk(trailers: ["X-T": "1"], into: &out)
        let reqs = try parseRequests(String(decoding: out, as: UTF8.self))
        #expect(reqs[0].0.target == "/jmap/api/?a=1")
        #expect(reqs[0].1 == Array("abc".utf8))
        #expect(reqs[0].2["x-t"] == "1")
    }

    /// Field by field, with a length written as digits straight into the buffer.
    @Test(arguments: [0, 7, 10, 1234, 1 << 20, Int.max])
    func writesAHeadPieceByPiece(_ length: Int) throws {
        var out: [UInt8] = []
        HTTPSerializer.writeStatusLine(HTTPResponseHead(status: 201, version: .http10), version: .http11, into: &out)
        HTTPSerializer.writeField("X-A", "1", into: &out)
        HTTPSerializer.writeContentLength(length, into: &out)
        HTTPSerializer.endHead(into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "HTTP/1.1 201 Created\r\nX-A: 1\r\nContent-Length: \(length)\r\n\r\n")
    }
}
