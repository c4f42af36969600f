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
        let up = try FakeUpstream.jmap(eventStream: stream) { method, args, callId in
            guard method == "Email/set" else { return FakeUpstream.echo(method, args, callId) }
            return ["accountId": "u1", "oldState": "s1", "newState": "s2", "created": ["k1": ["id": "M1", "threadId": "T1"]]]
        }
        defer { up.stop() }
        let header = RecordingHeader(created: "2026-11-25T00:00:00Z", upstream: up.baseURL, origins: [Origin(url: up.baseURL)!],
                                     relay: "jmap-relay (PushRecordingTests)")
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

    /// `recordings/push-demo.jsonl`, the recording the README's Push section replays; made by
    /// `record(to:)` again with `RECORD_SNAPSHOTS=1`.
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("recordings/push-demo.jsonl").path

    @Test func shippedPushDemoHasItsPushLines() throws {
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" { try Self.record(to: Self.demo) }
        let recording = try RecordingFile.load(path: Self.demo)
        #expect(recording.pushes.map(\.transport) == [.eventSource, .webSocket])
        #expect(recording.webSocketPairs.count == 1)
        #expect(recording.exchanges.contains { $0.kind == .api })
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
        #expect(pushes.first?.after == api.seq)
        #expect(pushes[0].event?["changed"]?["u1"]?["Email"] == "s2")
        #expect(pushes[0].eventId == "7")
        #expect(pushes[1].type == "StateChange")
        let pairs = recording.webSocketPairs
        #expect(pairs.count == 1)
        #expect(pairs.first?.request["id"] == "r1")
        #expect(pairs.first?.response["@type"] == "Response")
        #expect(pairs.first?.after == api.seq)
        #expect(pushes.last?.after == pairs.first?.seq, "a WebSocket request is an API exchange too")
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

/// Push played back from a recording, with no network: events come when the client repeats
/// the request recorded before them.
@Suite struct PushReplayTests {
    typealias R = PushRecordingTests

    /// A replay relay over a fresh recording made by `PushRecordingTests.record`.
    static func replaying() throws -> (RelayHarness, ReplayUpstream, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pushr-\(UUID().uuidString)").path
        let path = dir + "/r.jsonl"
        try R.record(to: path)
        let recording = try RecordingFile.load(path: path)
        let replay = ReplayUpstream(recording: recording)
        let push = try PushReplayUpstream(recording: recording, replay: replay)
        let h = try RelayHarness(upstream: recording.header.upstream, upstreamOverride: push)
        return (h, replay, dir)
    }

    @Test func eventSourceEventComesAfterItsCauseFilteredAndClosing() throws {
        let (h, replay, dir) = try Self.replaying()
        defer { h.stop(); try? FileManager.default.removeItem(atPath: dir) }
        let c = try h.client()
        _ = try c.request("GET", "/jmap/session")
        let all = try h.client()
        let head = try R.openStream(all, "/jmap/eventsource/?types=*&closeafter=no&ping=0")
        #expect(head.status == 200)
        #expect(head.headers["content-type"] == "text/event-stream")
        let once = try h.client()
        #expect(try R.openStream(once, "/jmap/eventsource/?types=Email&closeafter=state&ping=0").status == 200)
        let mailboxOnly = try h.client()
        #expect(try R.openStream(mailboxOnly, "/jmap/eventsource/?types=Mailbox&closeafter=state&ping=1").status == 200)

        _ = try c.request("POST", "/jmap/api/", body: Array(R.emailSet.utf8))
        var p1 = ServerSentEventParser()
        #expect(try R.readEvent(all, &p1) == R.change)
        var p2 = ServerSentEventParser()
        #expect(try R.readEvent(once, &p2) == R.change)
        #expect(try R.readEvent(once, &p2) == nil, "closeafter=state ends the stream")
        // The Email change is filtered out for a Mailbox listener, which only hears pings.
        var p3 = ServerSentEventParser()
        let ping = try R.readEvent(mailboxOnly, &p3)
        #expect(ping?.type == "ping")
        #expect(ping?.data == #"{"interval":1}"#)
        #expect(h.waitForTrace(containing: "sse < push state  u1: Email=s2") != nil)
        #expect(replay.misses.isEmpty)
        let recorded = try RecordingFile.load(path: dir + "/r.jsonl")
        let stream = try #require(recorded.exchanges.first { $0.kind == .eventSource })
        #expect(!replay.unusedSeqs.contains(stream.seq), "the recorded stream exchange counts as used")
    }

    @Test func webSocketIsAcceptedAndAnsweredFromTheRecording() throws {
        let (h, replay, dir) = try Self.replaying()
        defer { h.stop(); try? FileManager.default.removeItem(atPath: dir) }
        _ = try h.client().request("GET", "/jmap/session")
        let ws = try RawWebSocketClient(port: h.port, path: "/jmap/ws/", headers: ["Sec-WebSocket-Protocol": "jmap"])
        defer { ws.close() }
        #expect(ws.handshake.status == 101)
        #expect(ws.handshake.headers["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(ws.handshake.headers["sec-websocket-protocol"] == "jmap")

        // A recorded WebSocket pair, asked with other ids.
        try ws.sendText(#"{"@type":"Request","id":"mine","using":["urn:ietf:params:jmap:core"],"methodCalls":[["Mailbox/get",{"accountId":"u1"},"z"]]}"#)
        let r = try ws.readJSON()
        #expect(r["@type"] == "Response")
        #expect(r["requestId"] == "mine")
        #expect(r["methodResponses"]?[0]?[2] == "z")
        // A request recorded over HTTP is answered on the WebSocket too.
        let set = R.emailSet.replacingOccurrences(of: #"{"using""#, with: #"{"@type":"Request","id":"s","using""#)
        let s = try ws.readJSONAfterSending(set)
        #expect(s["requestId"] == "s")
        #expect(s["methodResponses"]?[0]?[0] == "Email/set")
        // The StateChange recorded after push was enabled, filtered by dataTypes.
        try ws.sendText(#"{"@type":"WebSocketPushEnable","dataTypes":["Email"]}"#)
        let change = try ws.readJSON()
        #expect(change["@type"] == "StateChange")
        #expect(change["changed"]?["u1"]?["Email"] == "s2")
        #expect(change["changed"]?["u1"]?["Mailbox"] == nil)
        // Not in the recording: a RequestError, not a hang.
        let miss = try ws.readJSONAfterSending(#"{"@type":"Request","id":"x","using":[],"methodCalls":[["Thread/get",{},"0"]]}"#)
        #expect(miss["@type"] == "RequestError")
        #expect(miss["requestId"] == "x")
        try ws.send(.close(code: 1000, reason: "", maskKey: [1, 2, 3, 4]))
        #expect(try ws.readFrame().closeCode == 1000)
        #expect(h.waitForTrace(containing: "ws < push state  u1: Email=s2") != nil)
        #expect(replay.misses.count == 1)
    }
}

extension RawWebSocketClient {
    /// Sends `text` and reads the next JSON message.
    func readJSONAfterSending(_ text: String) throws -> JSONValue {
        try sendText(text)
        return try readJSON()
    }
}
