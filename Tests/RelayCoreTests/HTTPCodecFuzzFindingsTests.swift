import Testing

@testable import RelayCore

/// What the fuzz runs found in the codec and the recording loader, kept as regression tests.
@Suite struct HTTPCodecFuzzFindingsTests {
    /// Feeds `bytes` in pieces of `step` and returns the head, or the error.
    private func head(_ bytes: [UInt8], step: Int, limits: HTTPParserLimits) -> Result<HTTPRequestHead?, HTTPParseError> {
        var p = HTTPRequestParser(limits: limits)
        var i = 0
        do {
            while i < bytes.count {
                p.append(Array(bytes[i..<min(bytes.count, i + step)]))
                i += step
                if case .head(let h)? = try p.next() { return .success(h) }
            }
            return .success(nil)
        } catch {
            return .failure(error)
        }
    }

    @Test(arguments: [1, 2, 3, 1000])
    func aHeadOfExactlyTheLimitIsAcceptedHoweverSplit(step: Int) throws {
        let text = Array("GET / HTTP/1.1\r\nHost: a\r\nX: 12345\r\n\r\n".utf8)
        let limits = HTTPParserLimits(maxHeadBytes: text.count - 4)
        #expect(try head(text, step: step, limits: limits).get()?.headers["x"] == "12345")
        let tooLarge = HTTPParserLimits(maxHeadBytes: text.count - 5)
        #expect(throws: HTTPParseError.headTooLarge(limit: text.count - 5)) { try head(text, step: step, limits: tooLarge).get() }
    }

    @Test func aRequestLineOverTheHeadLimitIs414AndLongFieldsAre431() {
        let limits = HTTPParserLimits(maxHeadBytes: 64)
        let longTarget = Array(("GET /" + String(repeating: "a", count: 100) + " HTTP/1.1\r\n\r\n").utf8)
        for step in [1, 7, 1000] {
            #expect(throws: HTTPParseError.startLineTooLong(limit: 64)) { try head(longTarget, step: step, limits: limits).get() }
        }
        #expect(HTTPParseError.startLineTooLong(limit: 64).status == 414)
        let longField = Array(("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 100) + "\r\n\r\n").utf8)
        #expect(throws: HTTPParseError.headTooLarge(limit: 64)) { try head(longField, step: 5, limits: limits).get() }
    }

    @Test func aLongHeadArrivingAByteAtATimeIsScannedOnce() throws {
        // Was quadratic: each byte rescanned the whole head (0.5 s of CPU for 60 KB in release).
        let text = Array(("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 60_000) + "\r\n\r\n").utf8)
        let clock = ContinuousClock()
        let t0 = clock.now
        #expect(try head(text, step: 1, limits: HTTPParserLimits()).get() != nil)
        #expect(clock.now - t0 < .seconds(3))
    }

    @Test func aLongTrailerLineArrivingAByteAtATimeParses() throws {
        let text = Array(("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nX: "
            + String(repeating: "b", count: 30_000) + "\r\n\r\n").utf8)
        var p = HTTPRequestParser()
        var trailers: HTTPHeaders?
        for b in text {
            p.append([b])
            while let part = try p.next() { if case .end(let t) = part { trailers = t } }
        }
        #expect(trailers?["x"]?.count == 30_000)
    }

    @Test(arguments: ["HTTP/1.1 200 O\u{1B}K\r\n\r\n", "HTTP/1.1 200 \0\r\n\r\n", "HTTP/1.1 404 Not\u{7F}\r\n\r\n"])
    func aReasonPhraseWithControlBytesIsRefused(_ text: String) {
        var p = HTTPResponseParser()
        p.expectResponse(to: "GET")
        p.append(Array(text.utf8))
        #expect(throws: HTTPParseError.self) { _ = try p.next() }
    }

    @Test func aReasonPhraseWithATabIsKept() throws {
        var p = HTTPResponseParser()
        p.expectResponse(to: "GET")
        p.append(Array("HTTP/1.1 200 All\tgood\r\nContent-Length: 0\r\n\r\n".utf8))
        guard case .head(let h)? = try p.next() else { Issue.record("no head"); return }
        #expect(h.reason == "All\tgood")
    }

    @Test(arguments: ["https://K::1]:8443", "http://a:b:80", "http://[::1]]:80", "http://[x]:80", "http://a b/", "http://[::1"])
    func originsThatCannotBeWrittenBackAreRefused(_ url: String) {
        #expect(Origin(url: url) == nil)
    }

    @Test(arguments: ["http://[::1]:8443", "https://example.com", "http://127.0.0.1:8480/jmap", "wss://[2001:db8::1]/"])
    func originsRoundTrip(_ url: String) throws {
        let o = try #require(Origin(url: url))
        #expect(Origin(url: o.httpBase) == o)
    }
}
