import Foundation
import JMAPRelay
import RelayTestSupport
import Testing

/// Push recorded beside the exchanges: EventSource `state` events, WebSocket pairs and
/// StateChanges, each placed after the API exchange that came before it.
@Suite struct PushRecordingTests {
    static let emailSet = #"{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],"methodCalls":[["Email/set",{"accountId":"u1","create":{"k1":{"subject":"hi"}}},"0"]]}"#
    static let change = ServerSentEvent(event: "state", data: #"{"@type":"StateChange","changed":{"u1":{"Email":"s2"}}}"#, id: "7")

    /// Opens an event stream on `c` at `target`; returns the response head.
    static func openStream(_ c: RawHTTPClient, _ target: String) throws -> HTTPResponseHead {
        var head = HTTPRequestHead(method: "GET", target: target, headers: ["Host": "127.0.0.1", "Accept": "text/event-stream"])
        head.version = .http11
        var out: [UInt8] = []
        HTTPSerializer.write(head, into: &out)
        try c.send(out)
        return try c.readHead()
    }

    /// Reads until the parser has one more event; nil at the end of the stream.
    static func readEvent(_ c: RawHTTPClient, _ parser: inout ServerSentEventParser) throws -> ServerSentEvent? {
        while let piece = try c.readBodyPiece() {
            if let e = parser.feed(piece).first { return e }
        }
        return nil
    }

    /// Records a session, an `Email/set`, one event and a WebSocket request and push enable.
    static func record(to path: String) throws {
        let stream = FakeEventStream()
        let up = try FakeUpstream.jmap(eventStream: stream)
        defer { up.stop() }
        let header = RecordingHeader(created: "now", upstream: up.baseURL, origins: [Origin(url: up.baseURL)!], relay: "t")
        let file = try RecordingFile(path: path, mode: .all, header: header, redactor: Redactor())
        defer { file.close() }
        let h = try RelayHarness(upstream: up.baseURL) { $0.recorder = file }
        defer { h.stop() }
        let c = try h.client()
        _ = try c.request("GET", "/jmap/session")
        let sse = try h.client()
        #expect(try openStream(sse, "/jmap/eventsource/?types=*&closeafter=no&ping=0").status == 200)
        _ = try c.request("POST", "/jmap/api/", body: Array(emailSet.utf8))
        h.waitForExchanges(2)
        stream.send(change)
        var parser = ServerSentEventParser()
        #expect(try readEvent(sse, &parser) == change)
        stream.end()
        #expect(try readEvent(sse, &parser) == nil)

        let ws = try RawWebSocketClient(port: h.port, path: "/jmap/ws/", headers: ["Sec-WebSocket-Protocol": "jmap"])
        defer { ws.close() }
        try ws.sendText(#"{"@type":"Request","id":"r1","using":["urn:ietf:params:jmap:core"],"methodCalls":[["Mailbox/get",{"accountId":"u1"},"a"]]}"#)
        #expect(try ws.readJSON()["requestId"] == "r1")
        try ws.sendText(#"{"@type":"WebSocketPushEnable","dataTypes":null}"#)
        #expect(try ws.readJSON()["@type"] == "StateChange")
        try ws.send(.close(code: 1000, reason: "", maskKey: [1, 2, 3, 4]))
        _ = try ws.readFrame()
        #expect(h.waitForTrace(containing: "ws > close 1000") != nil)
    }

    @Test func eventsAndWebSocketMessagesBecomeLinesAfterTheirCause() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("push-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/r.jsonl"
        try Self.record(to: path)

        let recording = try RecordingFile.load(path: path)
        let api = try #require(recording.exchanges.first { $0.kind == .api })
        let pushes = recording.pushes
        #expect(pushes.map(\.transport) == [.eventSource, .webSocket])
        #expect(pushes.allSatisfy { $0.after == api.seq })
        #expect(pushes[0].event?["changed"]?["u1"]?["Email"] == "s2")
        #expect(pushes[0].eventId == "7")
        #expect(pushes[1].type == "StateChange")
        let pairs = recording.webSocketPairs
        #expect(pairs.count == 1)
        #expect(pairs.first?.request["id"] == "r1")
        #expect(pairs.first?.response["@type"] == "Response")
        let seqs = recording.exchanges.map(\.seq) + pushes.map(\.seq) + pairs.map(\.seq)
        #expect(Set(seqs).count == seqs.count, "every line has its own seq")

        // The summary and lint still read a recording with push lines.
        let text = RecordingSummary(recording).text()
        #expect(text.contains("Email/set"))
        #expect(text.contains("push 2, ws 1"), "\(text)")
        var linter = Linter()
        _ = linter.lint(recording.exchanges)
    }
}
