import JMAPRelay
import RelayTestSupport
import Testing

/// `--lint`: findings appear under the exchange's trace line; the traffic is untouched.
@Suite struct LiveLintTests {
    @Test func findingsFollowTheExchangeThatCausedThem() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL) {
            $0.lint = true
            $0.faults = [try! FaultSpec.parse("endpoint=api action=request-error:notRequest nth=1")]
        }
        defer { h.stop() }
        let c = try h.client()
        _ = try c.request("GET", "/jmap/session")
        let body = Array(#"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Core/echo",{},"0"],["Core/echo",{},"0"]]}"#.utf8)
        let first = try c.request("POST", "/jmap/api/", headers: ["Content-Type": "application/json"], body: body)
        #expect(first.head.status == 400)
        // The same request again after a 400 is what a stricter reviewer would flag.
        let second = try c.request("POST", "/jmap/api/", headers: ["Content-Type": "application/json"], body: body)
        #expect(second.head.status == 200)
        h.waitForExchanges(3)
        let lines = h.traceLines
        let session = try #require(lines.first { $0.hasPrefix("#1 ") })
        #expect(session.contains("lint warning session-relative-url"))
        let retry = try #require(lines.first { $0.hasPrefix("#3 ") })
        #expect(retry.contains("lint error duplicate-call-id") || retry.contains("duplicate-call-id"))
        #expect(retry.contains("retry-after-4xx"))
    }

    @Test func ignoredRulesStaySilent() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL) {
            $0.lint = true
            $0.lintIgnore = ["session-relative-url"]
        }
        defer { h.stop() }
        let c = try h.client()
        _ = try c.request("GET", "/jmap/session")
        h.waitForExchanges(1)
        #expect(!h.traceLines.joined().contains("session-relative-url"))
    }

    /// A server-side hint on the WebSocket line: push enabled for all types, which Cyrus ignores.
    @Test func pushEnableForAllTypesGetsAHintOnItsLine() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL) { $0.lint = true }
        defer { h.stop() }
        _ = try h.client().request("GET", "/jmap/session")
        let ws = try RawWebSocketClient(port: h.port, path: "/jmap/ws/", headers: ["Sec-WebSocket-Protocol": "jmap"])
        defer { ws.close() }
        try ws.sendText(#"{"@type":"WebSocketPushEnable","dataTypes":["Email"]}"#)
        try ws.sendText(#"{"@type":"WebSocketPushEnable","dataTypes":null}"#)
        let line = try #require(h.waitForTrace(containing: "WebSocketPushEnable dataTypes=*"))
        #expect(line.contains("lint info websocket-push-all-types (RFC 8887 §4.3.5.2): dataTypes null asks for changes to every type"))
        let named = try #require(h.waitForTrace(containing: "WebSocketPushEnable dataTypes=Email"))
        #expect(!named.contains("lint"))
    }
}
