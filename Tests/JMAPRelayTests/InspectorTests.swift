import JMAPRelay
import RelayTestSupport
import Testing

/// The inspector's side of the control API: the page, the event stream, the HAR export and
/// the cross-origin guard, end to end over loopback.
@Suite struct InspectorTests {
    static let call = #"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Mailbox/get",{"accountId":"u1"},"m1"]]}"#

    /// A raw connection reading an event stream: `read(until:)` waits on data, not on time.
    final class StreamReader {
        let socket: Socket
        var text = ""

        init(port: Int, target: String) throws {
            socket = try Socket.connect(host: "127.0.0.1", port: port, timeout: .seconds(5))
            socket.setReadTimeout(.seconds(10))
            try socket.write(Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n\r\n".utf8))
        }

        /// Reads until `needle` has arrived; false if the stream ended or went silent for 10 s.
        func read(until needle: String) -> Bool {
            while !text.contains(needle) {
                guard let chunk = try? socket.read(max: 64 * 1024), !chunk.isEmpty else { return false }
                text += String(decoding: chunk, as: UTF8.self)
            }
            return true
        }

        deinit { socket.close() }
    }

    @Test func thePageIsOneSelfContainedHTMLDocument() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let r = try h.client().request("GET", "/_relay/")
        #expect(r.head.status == 200)
        #expect(r.head.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(r.head.headers["content-security-policy"]?.contains("default-src 'self'") == true)
        for hook in ["<!doctype html>", "new EventSource(\"/_relay/events\")", "/_relay/faults", "id=\"exchanges\"",
                     "id=\"filter-method\"", "id=\"errors-only\"", "id=\"faults\"", "id=\"fault-spec\"", "/_relay/export.har",
                     // Its own icon: a browser asking for /favicon.ico would send it upstream (a replay miss).
                     "<link rel=\"icon\" href=\"data:"] {
            #expect(r.text.contains(hook), "missing \(hook)")
        }
        for external in ["http://", "https://", "//cdn"] where r.text.contains("src=\"\(external)") || r.text.contains("href=\"\(external)") {
            Issue.record("the page loads \(external)")
        }
        // The relay's own requests are not part of the live list.
        #expect(try h.client().request("GET", "/_relay").head.status == 200)
    }

    @Test func eventsDeliverTheRingThenAnExchangeThatHappensAfterConnecting() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let c = try h.client()
        _ = try c.request("GET", "/jmap/session")
        h.waitForExchanges(1)

        let events = try StreamReader(port: h.port, target: "/_relay/events")
        #expect(events.read(until: ": jmap-relay exchanges"))
        #expect(events.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(events.text.lowercased().contains("content-type: text/event-stream"))
        #expect(events.read(until: #""target":"/jmap/session""#), "the ring's exchange comes first")

        // The stream is open on one connection; the relay keeps serving another.
        let r = try c.request("POST", "/jmap/api/", headers: ["Content-Type": "application/json", "Authorization": "Bearer canary-ev"],
                              body: Array(Self.call.utf8))
        #expect(r.head.status == 200)
        #expect(events.read(until: "Mailbox/get"))
        let line = try #require(events.text.split(separator: "\n").first { $0.hasPrefix("data: ") && $0.contains("Mailbox/get") })
        let json = try JSONParser.parse(Array(line.dropFirst(6).utf8))
        #expect(json["target"] == "/jmap/api/")
        #expect(json["status"] == 200)
        #expect(json["responseBody"]?["methodResponses"]?[0]?[2] == "m1")
        #expect(!events.text.contains("canary-ev"))
        #expect(!events.text.contains("/_relay/events"), "the stream leaves out the relay's own requests")
    }

    @Test func exportHARHoldsTheRingsExchanges() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let c = try h.client()
        _ = try c.request("GET", "/jmap/session")
        _ = try c.request("POST", "/jmap/api/", headers: ["Authorization": "Bearer canary-har"], body: Array(Self.call.utf8))
        _ = try c.request("GET", "/jmap/download/u1/B1/f.bin")
        h.waitForExchanges(3)
        let r = try c.request("GET", "/_relay/export.har")
        #expect(r.head.status == 200)
        let har = try #require(r.json)
        #expect(HARValidator.problems(har) == [])
        let entries = try #require(har["log"]?["entries"]?.arrayValue)
        #expect(entries.count == 3)
        #expect(entries[0]["response"]?["content"]?["text"]?.stringValue?.contains("\"apiUrl\":\"http://127.0.0.1:\(h.port)/") == true)
        #expect(entries[1]["request"]?["url"] == .string("http://127.0.0.1:\(h.port)/jmap/api/"))
        #expect(entries[1]["request"]?["postData"]?["text"] == .string(Self.call))
        #expect(entries[1]["response"]?["content"]?["text"]?.stringValue?.contains("Mailbox/get") == true)
        #expect(entries[2]["response"]?["content"]?["comment"] == "body streamed, not kept")
        #expect(entries[2]["response"]?["bodySize"] == .int("/jmap/download/u1/B1/f.bin".utf8.count))
        #expect(har["log"]?["comment"]?.stringValue?.contains("Bodies are kept only") == true)
        #expect(!r.text.contains("canary-har"))
    }

    @Test func controlRequestsFromAnotherOriginAre403() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let c = try h.client()
        let spec = Array(#"{"spec":"call=Email/set action=method-error:serverFail"}"#.utf8)
        for origin in ["http://evil.example", "null", "http://127.0.0.1:\(h.port + 1)", "https://127.0.0.1:\(h.port)"] {
            let post = try c.request("POST", "/_relay/faults", headers: ["Origin": origin], body: spec)
            #expect(post.head.status == 403, "\(origin)")
            #expect(post.json?["type"] == "urn:jmap-relay:error:control-cross-origin")
            #expect(try c.request("DELETE", "/_relay/faults/f1", headers: ["Origin": origin]).head.status == 403)
        }
        // The relay's own page, and clients that send no Origin, get past the guard.
        for headers: HTTPHeaders in [["Origin": "http://127.0.0.1:\(h.port)"], ["Origin": "http://localhost:\(h.port)"], [:]] {
            #expect(try c.request("POST", "/_relay/faults", headers: headers, body: spec).head.status != 403)
        }
        // Reading is refused too: a page that rebinds its name to loopback could read the answer.
        let read = try c.request("GET", "/_relay/exchanges", headers: ["Origin": "http://evil.example"])
        #expect(read.head.status == 403)
        #expect(read.head.headers.fields.allSatisfy { !$0.name.lowercased().hasPrefix("access-control-") })
    }
}
