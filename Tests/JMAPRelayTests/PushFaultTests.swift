import Foundation
import JMAPRelay
import RelayTestSupport
import Testing

/// Push faults on an EventSource stream: events dropped, duplicated, delayed, the stream cut,
/// and a refused connect.
@Suite struct PushFaultTests {
    static func event(_ n: Int) -> ServerSentEvent {
        ServerSentEvent(event: "state", data: #"{"@type":"StateChange","changed":{"u1":{"Email":"s\#(n)"}}}"#, id: "\(n)")
    }

    /// A relay with `faults` in front of a fake server streaming `stream`, its session fetched.
    func withStream(_ faults: [String], _ body: (RelayHarness, FakeUpstream, FakeEventStream) throws -> Void) throws {
        let stream = FakeEventStream()
        let up = try FakeUpstream.jmap(eventStream: stream)
        defer { up.stop() }
        let rules = try faults.map(FaultSpec.parse)
        let h = try RelayHarness(upstream: up.baseURL) { $0.faults = rules }
        defer { h.stop() }
        _ = try h.client().request("GET", "/jmap/session")
        try body(h, up, stream)
        stream.end()
    }

    @Test func dropDuplicateAndCutAfter() throws {
        let faults = [
            "endpoint=eventsource action=drop-event nth=1", "endpoint=eventsource action=duplicate-event nth=2",
            "endpoint=eventsource action=cut-after:3",
        ]
        try withStream(faults) { h, _, stream in
            let c = try h.client()
            #expect(try PushRecordingTests.openStream(c, "/jmap/eventsource/?types=*&closeafter=no&ping=0").status == 200)
            for n in 1...4 { stream.send(Self.event(n)) }
            var parser = ServerSentEventParser()
            var got: [ServerSentEvent] = []
            while let piece = try c.readBodyPiece() { got += parser.feed(piece) }
            #expect(got == [Self.event(2), Self.event(2), Self.event(3)])
            #expect(h.waitForTrace(containing: "sse < push state  u1: Email=s1  ! fault: r1 drop-event") != nil)
            #expect(h.waitForTrace(containing: "fault: r2 duplicate-event") != nil)
            #expect(h.waitForTrace(containing: "fault: r3 cut-after:3") != nil)
        }
    }

    @Test func delayEventHoldsItBack() throws {
        try withStream(["endpoint=eventsource action=delay-event:200"]) { h, _, stream in
            let c = try h.client()
            #expect(try PushRecordingTests.openStream(c, "/jmap/eventsource/?types=*&closeafter=no&ping=0").status == 200)
            let sent = Date()
            stream.send(Self.event(1))
            var parser = ServerSentEventParser()
            #expect(try PushRecordingTests.readEvent(c, &parser) == Self.event(1))
            #expect(Date().timeIntervalSince(sent) >= 0.2)
        }
    }

    @Test func statusOnConnectNeverReachesTheServer() throws {
        try withStream(["endpoint=eventsource action=status:503 retry-after=5"]) { h, up, _ in
            let c = try h.client()
            let head = try PushRecordingTests.openStream(c, "/jmap/eventsource/?types=*&closeafter=no&ping=0")
            #expect(head.status == 503)
            #expect(head.headers["retry-after"] == "5")
            #expect(!up.requests.contains { $0.target.hasPrefix("/jmap/eventsource/") })
        }
    }

    @Test func webSocketStateChangesDroppedDuplicatedAndCut() throws {
        let rules = try ["endpoint=websocket action=drop-event nth=1", "endpoint=websocket action=duplicate-event nth=2",
                         "endpoint=websocket action=cut-after:3"].map(FaultSpec.parse)
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL) { $0.faults = rules }
        defer { h.stop() }
        _ = try h.client().request("GET", "/jmap/session")
        let ws = try RawWebSocketClient(port: h.port, path: "/jmap/ws/", headers: ["Sec-WebSocket-Protocol": "jmap"])
        defer { ws.close() }
        // The fake server answers each push enable with one StateChange.
        let enable = #"{"@type":"WebSocketPushEnable","dataTypes":null}"#
        try ws.sendText(enable)
        try ws.sendText(enable)
        try ws.sendText(#"{"@type":"Request","id":"r1","using":[],"methodCalls":[["Core/echo",{},"0"]]}"#)
        // First dropped, second twice, then the answer: a third StateChange would come first otherwise.
        #expect(try ws.readJSON()["@type"] == "StateChange")
        #expect(try ws.readJSON()["@type"] == "StateChange")
        #expect(try ws.readJSON()["requestId"] == "r1")
        // The third StateChange ends the connection (cut-after:3 counts the server's).
        try ws.sendText(enable)
        #expect(try ws.readJSON()["@type"] == "StateChange")
        #expect(ws.isClosedByPeer())
        #expect(h.waitForTrace(containing: "ws < push state  u1: Email=s2 Mailbox=s1  ! fault: r1 drop-event") != nil)
        #expect(h.waitForTrace(containing: "fault: r2 duplicate-event") != nil)
    }
}
