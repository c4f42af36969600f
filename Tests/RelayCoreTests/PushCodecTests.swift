import Testing

@testable import RelayCore

/// The EventSource parser and serializer, the StateChange summary and the WebSocket JMAP tracer.
@Suite struct PushCodecTests {
    static let stream = "id: 5f2a9c\nevent: ping\ndata: {}\n\n: a comment\nid: 8e1d3b\nevent: state\n"
        + "data: {\"@type\":\"StateChange\",\n" + "data: \"changed\":{\"a1\":{\"Email\":\"s12\",\"Mailbox\":\"s9\"}}}\n\n"

    static let expected = [
        ServerSentEvent(event: "ping", data: "{}", id: "5f2a9c"),
        ServerSentEvent(event: "state", data: "{\"@type\":\"StateChange\",\n\"changed\":{\"a1\":{\"Email\":\"s12\",\"Mailbox\":\"s9\"}}}", id: "8e1d3b"),
    ]

    @Test(arguments: ["\n", "\r\n", "\r"])
    func parsesEventsWithAnyLineEndInAnyChunking(lineEnd: String) {
        let bytes = Array(Self.stream.replacingOccurrences(of: "\n", with: lineEnd).utf8)
        for chunk in [1, 2, 3, 7, bytes.count] {
            var p = ServerSentEventParser()
            var events: [ServerSentEvent] = []
            var i = 0
            while i < bytes.count {
                events += p.feed(bytes[i..<min(bytes.count, i + chunk)])
                i += chunk
            }
            #expect(events == Self.expected, "chunk \(chunk)")
            #expect(p.lastEventId == "8e1d3b")
            #expect(p.commentCount == 1)
        }
    }

    @Test func followsTheFieldRules() {
        var p = ServerSentEventParser()
        let text = "\u{FEFF}data:no space\nretry: 3000\nretry: x\nunknown: 1\ndata\n\nevent: only\n\ndata: a\n"
        let events = p.feed(Array(text.utf8))
        // An event without data is not dispatched; the last one has no blank line yet.
        #expect(events == [ServerSentEvent(data: "no space\n", retry: 3000)])
        #expect(events[0].type == "message")
        #expect(p.feed(Array("\n".utf8)) == [ServerSentEvent(data: "a")])
    }

    @Test func serializesWhatItParses() {
        for e in Self.expected + [ServerSentEvent(data: "x\n\ny", retry: 10)] {
            var p = ServerSentEventParser()
            #expect(p.feed(e.serialized()) == [e])
        }
        #expect(String(decoding: ServerSentEvent(event: "state", data: "{}", id: "1").serialized(), as: UTF8.self)
            == "id: 1\nevent: state\ndata: {}\n\n")
    }

    @Test func summarisesAStateChange() throws {
        let ws = #"{"@type":"StateChange","changed":{"a1":{"Email":"s12","Mailbox":"s9"},"a2":{"Thread":"t1"}}}"#
        #expect(PushSummary.stateChange(json: Array(ws.utf8)) == "push state  a1: Email=s12 Mailbox=s9; a2: Thread=t1")
        // An EventSource `state` event carries the same object (older servers omit `@type`).
        #expect(PushSummary.stateChange(json: Array(#"{"changed":{"a1":{"Email":"s12"}}}"#.utf8)) == "push state  a1: Email=s12")
        #expect(PushSummary.stateChange(json: Array(#"{"@type":"Response"}"#.utf8)) == nil)
        #expect(PushSummary.stateChange(json: Array("not json".utf8)) == nil)
    }

    @Test func tracesJMAPOverWebSocketCorrelatingResponses() {
        var t = JMAPWebSocketTracer(seq: 7)
        func msg(_ s: String) -> WebSocketMessageAssembler.Output { .message(.text, Array(s.utf8)) }
        let req = t.record(msg(#"{"@type":"Request","id":"r1","using":[],"methodCalls":[["Mailbox/get",{},"a"],["Email/set",{},"b"]]}"#),
                           direction: .toUpstream, atMs: 10)
        #expect(req.map(TraceFormatter.text) == "#7 ws > Request r1 Mailbox/get,Email/set")
        let res = t.record(msg(#"{"@type":"Response","requestId":"r1","methodResponses":[["Mailbox/get",{},"a"],["error",{"type":"serverFail"},"b"]],"sessionState":"s"}"#),
                           direction: .toClient, atMs: 13)
        #expect(res?.durationMs == 3)
        #expect(res.map(TraceFormatter.text) == "#7 ws < Response r1 Mailbox/get,error 3.0ms  ! error:serverFail(Email/set)")
        let err = t.record(msg(#"{"@type":"RequestError","requestId":"zz","type":"urn:ietf:params:jmap:error:notRequest","status":400}"#),
                           direction: .toClient, atMs: 14)
        #expect(err.map(TraceFormatter.text) == "#7 ws < RequestError zz  ! problem:notRequest")
        let enable = t.record(msg(#"{"@type":"WebSocketPushEnable","dataTypes":["Email"]}"#), direction: .toUpstream, atMs: 15)
        #expect(enable?.summary == "WebSocketPushEnable dataTypes=Email")
        let change = t.record(msg(#"{"@type":"StateChange","changed":{"a1":{"Email":"s12"}}}"#), direction: .toClient, atMs: 16)
        #expect(change.map(TraceFormatter.text) == "#7 ws < push state  a1: Email=s12")
        #expect(t.record(.control(.close(code: 1000, reason: "done")), direction: .toUpstream, atMs: 17)?.summary == "close 1000 \"done\"")
        #expect(t.record(.control(WebSocketFrame(opcode: .ping, payload: [])), direction: .toUpstream, atMs: 17) == nil)
        #expect(t.record(msg("hello"), direction: .toUpstream, atMs: 18)?.summary == "text 5 bytes (not JMAP)")
        let json = change.map(TraceFormatter.json) ?? ""
        #expect(json.contains(#""push":"StateChange""#) && json.contains(#""endpoint":"websocket""#))
    }
}
