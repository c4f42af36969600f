import JMAPRelay
import RelayTestSupport
import Testing

/// EventSource (RFC 8620 §7.3) through the relay: events arrive one by one, not held back.
@Suite struct EventSourceRelayTests {
    static let change1 = ServerSentEvent(event: "state", data: #"{"@type":"StateChange","changed":{"u1":{"Email":"s2"}}}"#, id: "42")
    static let change2 = ServerSentEvent(event: "state", data: #"{"@type":"StateChange","changed":{"u1":{"Email":"s3","Mailbox":"m9"}}}"#, id: "43")

    /// Reads the stream until the parser has produced one more event.
    func readEvent(_ c: RawHTTPClient, _ parser: inout ServerSentEventParser) throws -> ServerSentEvent? {
        while let piece = try c.readBodyPiece() {
            if let e = parser.feed(piece).first { return e }
        }
        return nil
    }

    /// Sends the EventSource request (the answer is read by the test).
    func openStream(_ c: RawHTTPClient, headers extra: HTTPHeaders = [:]) throws {
        var head = HTTPRequestHead(method: "GET", target: "/jmap/eventsource/?types=*&closeafter=no&ping=0", headers: [
            "Host": "127.0.0.1", "Accept": "text/event-stream",
        ])
        for f in extra.fields { head.headers.add(f.name, f.value) }
        head.version = .http11
        var out: [UInt8] = []
        HTTPSerializer.write(head, into: &out)
        try c.send(out)
    }

    @Test func streamsEventByEventWithoutAFalseGzipLabel() throws {
        // Cyrus labels its plain event stream `Content-Encoding: gzip`.
        let stream = FakeEventStream(extraHeaders: ["Content-Encoding": "gzip"])
        let up = try FakeUpstream.jmap(eventStream: stream)
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let c = try h.client()
        _ = try c.request("GET", "/jmap/session")

        try openStream(c, headers: ["Last-Event-ID": "41", "Accept-Encoding": "gzip"])
        // The head arrives before any event exists.
        let response = try c.readHead()
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/event-stream")
        #expect(response.headers["content-encoding"] == nil)
        let seen = try #require(up.requests.last)
        #expect(seen.headers["last-event-id"] == "41")
        #expect(seen.headers["accept-encoding"] == "identity")

        var parser = ServerSentEventParser()
        stream.send(Self.change1)
        #expect(try readEvent(c, &parser) == Self.change1)
        // Event 2 is only created once the client holds event 1.
        stream.send(Self.change2)
        #expect(try readEvent(c, &parser) == Self.change2)
        stream.end()
        #expect(try readEvent(c, &parser) == nil)

        #expect(h.waitForTrace(containing: "sse < push state  u1: Email=s2")?.hasPrefix("#2 ") == true)
        #expect(h.waitForTrace(containing: "sse < push state  u1: Email=s3 Mailbox=m9") != nil)
        #expect(h.waitForTrace(containing: "GET /jmap/eventsource/") != nil)
    }

    /// A client closing its event stream is how a stream normally ends: the trace says so
    /// without the `!` of a failure (the relay learns it from the end of the client's side, or
    /// when a write fails).
    @Test func aClientClosingTheStreamIsTracedAsItsEndNotAnError() throws {
        let stream = FakeEventStream()
        let up = try FakeUpstream.jmap(eventStream: stream)
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let c = try h.client()
        _ = try c.request("GET", "/jmap/session")
        try openStream(c)
        #expect(try c.readHead().status == 200)
        var parser = ServerSentEventParser()
        stream.send(Self.change1)
        #expect(try readEvent(c, &parser) == Self.change1)
        c.close()
        // Events keep coming until the relay has noticed the close (at the latest, a write fails).
        for n in 3..<40 where !h.traceLines.contains(where: { $0.contains("GET /jmap/eventsource/") }) {
            stream.send(ServerSentEvent(event: "state", data: #"{"@type":"StateChange","changed":{"u1":{"Email":"s\#(n)"}}}"#, id: "\(n)"))
            h.waitForTrace(containing: "Email=s\(n)")
        }
        let line = try #require(h.waitForTrace(containing: "GET /jmap/eventsource/"))
        #expect(line.hasSuffix("  client closed"), "\(line)")
        #expect(!line.contains("!"), "\(line)")
        stream.end()
    }
}
