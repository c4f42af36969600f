import Foundation
import JMAPRelay
import RelayTestSupport
import Testing

/// Upstream answers that arrive compressed, and upstreams behind TLS.
@Suite struct UpstreamEncodingTests {
    @Test func gzippedSessionIsRewrittenAndGzippedAPIAnswersPassIntact() throws {
        let session = FakeUpstream.defaultSession.serialized()
        let api: JSONValue = ["methodResponses": [["Mailbox/get", ["list": []], "0"]], "sessionState": "0"]
        let apiGzip = Gzip.compress(api.serialized())
        let up = try FakeUpstream { head, _ in
            switch String(head.path) {
            case "/jmap/session":
                return .respond(status: 200, headers: ["Content-Type": "application/json", "Content-Encoding": "gzip"],
                                body: Gzip.compress(session))
            default:
                return .respond(status: 200, headers: ["Content-Type": "application/json", "Content-Encoding": "gzip"], body: apiGzip)
            }
        }
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL + "/jmap/session")
        defer { h.stop() }
        let c = try h.client()
        let s = try c.request("GET", "/jmap/session", headers: ["Accept-Encoding": "gzip"])
        // The session had to be read to be rewritten: it comes back plain, with the relay's URLs.
        #expect(s.head.headers["content-encoding"] == nil)
        #expect(s.json?["apiUrl"] == .string("http://127.0.0.1:\(h.port)/jmap/api/"))
        // An API answer is traced from its decoded body but relayed as the server sent it.
        let r = try c.request("POST", "/jmap/api/", headers: ["Content-Type": "application/json", "Accept-Encoding": "gzip"],
                              body: Array(#"{"using":[],"methodCalls":[["Mailbox/get",{},"0"]]}"#.utf8))
        #expect(r.head.headers["content-encoding"] == "gzip")
        #expect(try Gzip.decompress(r.body, limit: 1 << 20) == api.serialized())
        h.waitForExchanges(2)
        #expect(h.traceLines.contains { $0.contains("POST /jmap/api/ 200") && $0.contains("Mailbox/get") })
    }
}

