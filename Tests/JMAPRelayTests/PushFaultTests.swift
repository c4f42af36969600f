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
}
