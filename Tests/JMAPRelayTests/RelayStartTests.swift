import JMAPRelay
import RelayTestSupport
import Testing

/// `Relay.replaying(_:)` and `Relay.serving(upstream:)`: started relays with misses and a wait
/// for finished exchanges.
@Suite struct RelayStartTests {
    static let recording = RelayStartTests.root + "/recordings/fastmail-demo.jsonl"
    static var root: String { String(#filePath).components(separatedBy: "/Tests/")[0] }

    @Test func replayingListsMissesAndUnusedExchanges() throws {
        let relay = try Relay.replaying(Self.recording)
        defer { relay.stop() }
        #expect(relay.port != 0 && relay.baseURL == "http://127.0.0.1:\(relay.port)")
        let c = try RawHTTPClient(port: relay.port)
        let body = Array(#"{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],"methodCalls":[["Mailbox/query",{"accountId":"test","filter":{"role":"inbox"}},"0"]]}"#.utf8)
        let r = try c.request("POST", "/jmap/", headers: ["Content-Type": "application/json"], body: body)
        #expect(r.head.status == 500)
        #expect(relay.misses.count == 1)
        #expect(relay.misses.first?.diff.contains { $0.contains("filter.role") } == true)
        #expect(relay.unusedRecordedExchanges.count == 8)
        let seen = relay.waitForExchanges(1)
        #expect(seen.count == 1 && seen[0].response?.status == 500)
    }

    @Test func servingRelaysALiveUpstreamAndHasNoMisses() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let relay = try Relay.serving(upstream: up.baseURL)
        defer { relay.stop() }
        let c = try RawHTTPClient(port: relay.port)
        // Discovery redirects (as Cyrus does); the relay points the redirect at itself.
        let r = try c.request("GET", "/.well-known/jmap")
        #expect(r.head.status == 301)
        #expect(r.head.headers["location"] == relay.baseURL + "/jmap/session")
        let session = try c.request("GET", "/jmap/session")
        #expect(session.head.status == 200)
        #expect(session.json?["apiUrl"]?.stringValue?.hasPrefix(relay.baseURL + "/") == true)
        #expect(relay.waitForExchanges(2).count == 2)
        #expect(relay.misses.isEmpty && relay.unusedRecordedExchanges.isEmpty)
    }

    @Test func aRecordingThatCannotBeReadThrows() {
        #expect(throws: RecordingFileError.self) { try Relay.replaying(Self.root + "/recordings/no-such.jsonl") }
    }
}
