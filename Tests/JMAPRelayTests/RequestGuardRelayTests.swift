import Foundation
import JMAPRelay
import RelayTestSupport
import Testing

/// The Host and Origin checks end to end: what a DNS-rebinding page or a cross-origin fetch
/// can get through a running relay, with an upstream that reflects any origin and reports
/// whether it saw a credential.
@Suite struct RequestGuardRelayTests {
    static let secret = HeaderPolicy.authorization(fromSecret: "test:test")
    static let call = Array(#"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Core/echo",{},"0"]]}"#.utf8)

    /// Runs `body` against a relay (adding credentials unless told not to) in front of a
    /// server that reflects any origin and reports whether it saw a credential.
    static func withRelay(credentials: Bool = true, configure: @escaping (inout RelayConfiguration) -> Void = { _ in },
                          _ body: (RelayHarness, FakeUpstream, RawHTTPClient) throws -> Void) throws {
        let up = try FakeUpstream.corsReflecting()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL) { c in
            if credentials { c.injectedAuthorization = secret }
            configure(&c)
        }
        defer { h.stop() }
        try body(h, up, try h.client())
    }

    static func hasNoCORSGrant(_ r: RawHTTPClient.Response) -> Bool {
        r.head.headers.fields.allSatisfy { !$0.name.lowercased().hasPrefix("access-control-") }
    }

    @Test func aForeignHostIsMisdirectedAndNothingGoesUpstream() throws {
        try Self.withRelay { (h, up, c) throws in
            let host = "evil.example:\(h.port)"
            for (method, target, body) in [("GET", "/_relay/exchanges", nil), ("GET", "/_relay/", nil), ("POST", "/jmap/api/", Self.call),
                                           ("GET", "/.well-known/jmap", nil), ("POST", "/_relay/faults", Array("call=* action=delay:1ms".utf8))] {
                let r = try c.request(method, target, headers: ["Host": host], body: body)
                #expect(r.head.status == 421, "\(method) \(target)")
                #expect(r.head.headers["content-type"] == ProblemDetails.contentType)
                #expect(r.json?["type"] == "urn:jmap-relay:error:foreign-host")
                #expect(r.json?["detail"]?.stringValue?.contains("--allow-host evil.example") == true)
                #expect(Self.hasNoCORSGrant(r))
            }
            #expect(up.requests.isEmpty)
            #expect(h.relay.faults.entries.isEmpty)
            #expect(h.waitForTrace(containing: "421") != nil)
            let line = try #require(h.traceLines.first { $0.contains("POST /jmap/api/") })
            #expect(line.contains("421"))
            #expect(line.contains("! foreign Host evil.example:\(h.port)"))
        }
    }

    @Test(arguments: ["localhost", "127.0.0.1", "[::1]"])
    func theRelaysOwnNamesWorkWithItsPort(_ name: String) throws {
        try Self.withRelay { (h, up, c) throws in
            let host = "\(name):\(h.port)"
            let api = try c.request("POST", "/jmap/api/", headers: ["Host": host, "Content-Type": "application/json"], body: Self.call)
            #expect(api.head.status == 200)
            #expect(api.json?["sawCredential"] == true)
            #expect(try c.request("GET", "/_relay/status", headers: ["Host": host]).head.status == 200)
            #expect(try c.request("GET", "/_relay/", headers: ["Host": host]).head.status == 200)
            #expect(try c.request("GET", "/_relay/status", headers: ["Host": "\(name):\(h.port + 1)"]).head.status == 421)
        }
    }

    @Test func aForeignOriginNeverGetsTheCredentialAndItsPreflightStaysHere() throws {
        try Self.withRelay { (h, up, c) throws in
            let evil: HTTPHeaders = ["Host": "127.0.0.1:\(h.port)", "Origin": "http://evil.example"]
            var preflight = evil
            preflight.add("Access-Control-Request-Method", "POST")
            preflight.add("Access-Control-Request-Headers", "content-type")
            let pre = try c.request("OPTIONS", "/jmap/api/", headers: preflight)
            #expect(pre.head.status == 403)
            #expect(pre.json?["type"] == "urn:jmap-relay:error:cross-origin")
            #expect(Self.hasNoCORSGrant(pre))
            for (method, target, body) in [("POST", "/jmap/api/", Self.call), ("GET", "/jmap/session", nil), ("GET", "/jmap/ws/", nil)] {
                let r = try c.request(method, target, headers: evil, body: body)
                #expect(r.head.status == 403, "\(method) \(target)")
                #expect(r.json?["detail"]?.stringValue?.contains("--allow-origin http://evil.example") == true)
                #expect(Self.hasNoCORSGrant(r))
            }
            #expect(up.requests.isEmpty)
            #expect(h.waitForTrace(containing: "cross-origin preflight from http://evil.example") != nil)
        }
    }

    @Test func withoutCredentialsAForeignPageGoesOnButIsGrantedNothing() throws {
        try Self.withRelay(credentials: false) { (h, up, c) throws in
            let evil: HTTPHeaders = ["Host": "127.0.0.1:\(h.port)", "Origin": "http://evil.example"]
            let r = try c.request("GET", "/jmap/session", headers: evil)
            #expect(r.head.status == 200)
            #expect(r.json?["sawCredential"] == false)
            #expect(Self.hasNoCORSGrant(r))
            var preflight = evil
            preflight.add("Access-Control-Request-Method", "POST")
            #expect(try c.request("OPTIONS", "/jmap/api/", headers: preflight).head.status == 403)
            #expect(up.requests.map(\.method) == ["GET"])
        }
    }

    @Test func clientsThatSendNoOriginStillGetTheCredential() throws {
        try Self.withRelay { (h, up, c) throws in
            let r = try c.request("POST", "/jmap/api/", headers: ["Content-Type": "application/json"], body: Self.call)
            #expect(r.json?["sawCredential"] == true)
            // A request with no Host at all (HTTP/1.0) is no browser's either.
            try c.send("GET /jmap/session HTTP/1.0\r\n\r\n")
            #expect(try c.readResponse().json?["sawCredential"] == true)
            #expect(up.requestsWithCredential.count == 2)
        }
    }

    @Test func theRelaysOwnPageKeepsTheControlAPI() throws {
        try Self.withRelay { (h, up, c) throws in
            let own: HTTPHeaders = ["Host": "localhost:\(h.port)", "Origin": "http://localhost:\(h.port)"]
            #expect(try c.request("POST", "/_relay/faults", headers: own, body: Array("call=Email/set action=delay:1ms".utf8)).head.status == 201)
            #expect(try c.request("GET", "/_relay/exchanges", headers: own).head.status == 200)
            #expect(try c.request("DELETE", "/_relay/faults", headers: own).head.status == 200)
        }
    }

    @Test func allowHostAndAllowOriginOpenExactlyWhatTheyName() throws {
        try Self.withRelay(configure: { c in
            c.allowedHosts = ["jmap.test"]
            c.allowedOrigins = ["http://localhost:3000"]
        }) { (h, up, c) throws in
            #expect(try c.request("GET", "/_relay/status", headers: ["Host": "jmap.test:\(h.port)"]).head.status == 200)
            #expect(try c.request("GET", "/_relay/status", headers: ["Host": "www.jmap.test:\(h.port)"]).head.status == 421)

            let dev: HTTPHeaders = ["Host": "localhost:\(h.port)", "Origin": "http://localhost:3000"]
            let r = try c.request("POST", "/jmap/api/", headers: dev, body: Self.call)
            #expect(r.json?["sawCredential"] == true)
            #expect(r.head.headers["access-control-allow-origin"] == "http://localhost:3000")
            var preflight = dev
            preflight.add("Access-Control-Request-Method", "POST")
            #expect(try c.request("OPTIONS", "/jmap/api/", headers: preflight).head.status == 204)  // the server's answer
            let other = try c.request("POST", "/jmap/api/", headers: ["Host": "localhost:\(h.port)", "Origin": "http://localhost:3001"], body: Self.call)
            #expect(other.head.status == 403)
            #expect(up.requests.count == 2)
            #expect(up.requestsWithCredential.count == 2)
        }
    }

    @Test func theCallbackHostIsAdmittedOnlyOnTheCallbackPath() throws {
        try Self.withRelay(configure: { $0.pushCallbackURL = "https://hooks.example.net" }) { (h, up, c) throws in
            // An unknown token is the webhook handler's 404: the Host got past the guard.
            #expect(try c.request("POST", "/_relay/push/nope", headers: ["Host": "hooks.example.net"], body: []).head.status == 404)
            #expect(try c.request("GET", "/_relay/status", headers: ["Host": "hooks.example.net"]).head.status == 421)
            #expect(try c.request("POST", "/jmap/api/", headers: ["Host": "hooks.example.net"], body: Self.call).head.status == 421)
            #expect(up.requests.isEmpty)
        }
    }

    @Test func replayFollowsTheSameRules() throws {
        let relay = try Relay.replaying("recordings/fastmail-demo.jsonl") { c in
            c.injectedAuthorization = Self.secret
        }
        defer { relay.stop() }
        let c = try RawHTTPClient(port: relay.port)
        // The recording answers the session discovery with a redirect to the session.
        #expect(try c.request("GET", "/.well-known/jmap", headers: ["Host": "localhost:\(relay.port)"]).head.status == 301)
        let rebound = try c.request("GET", "/.well-known/jmap", headers: ["Host": "evil.example:\(relay.port)"])
        #expect(rebound.head.status == 421)
        let foreign = try c.request("GET", "/_relay/exchanges", headers: ["Origin": "http://evil.example"])
        #expect(foreign.head.status == 403)
        let seen = relay.waitForExchanges(3)
        #expect(seen.compactMap(\.error) == ["foreign Host evil.example:\(relay.port)", "foreign Origin http://evil.example"])
    }
}
