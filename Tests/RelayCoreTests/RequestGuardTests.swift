@testable import RelayCore
import Testing

/// The Host and Origin rules, decided from a request head alone.
@Suite struct RequestGuardTests {
    static let port = 8470
    static let plain = RequestGuard(listenHost: "127.0.0.1", port: port)
    static let injecting = RequestGuard(listenHost: "127.0.0.1", port: port, injectsCredentials: true)

    static func head(_ method: String, _ target: String, _ headers: HTTPHeaders) -> HTTPRequestHead {
        HTTPRequestHead(method: method, target: target, headers: headers)
    }

    /// A JMAP API call.
    static func head(_ headers: HTTPHeaders) -> HTTPRequestHead { head("POST", "/jmap/api/", headers) }

    static func isRefused(_ d: RequestGuard.Decision, status: Int) -> Bool {
        if case .refuse(let p, _) = d { return p.status == status }
        return false
    }

    @Test(arguments: ["127.0.0.1:8470", "localhost:8470", "[::1]:8470", "LOCALHOST:8470", "localhost.:8470", "127.0.0.1", "localhost", "[::1]", "localhost:"])
    func theRelaysOwnNamesAreAdmitted(_ host: String) {
        for target in ["/jmap/api/", "/_relay/exchanges", "/_relay/push/abc"] {
            #expect(Self.plain.decide(Self.head("GET", target, ["Host": host])) == .proceed, "\(host) \(target)")
        }
    }

    @Test(arguments: [
        "evil.example:8470", "evil.example", "localhost:8471", "127.0.0.1:80", "[::1]:8471", "127.0.0.2:8470",
        "localhost.evil.example:8470", "localhost:8470@evil.example", "localhost:8470/x", "::1", "localhost:+8470",
        "localhost:08470x", "", "[::1", "local host:8470", "localhost, evil.example",
    ])
    func anyOtherHostIsMisdirected(_ host: String) {
        for target in ["/jmap/api/", "/_relay/exchanges", "/.well-known/jmap", "/_relay/push/abc"] {
            let d = Self.plain.decide(Self.head("GET", target, ["Host": host]))
            #expect(Self.isRefused(d, status: 421), "\(host) \(target)")
        }
    }

    @Test func theRefusalNamesTheOptionAndTheTraceNamesTheHost() throws {
        guard case .refuse(let p, let reason) = Self.plain.decide(Self.head(["Host": "Evil.Example:8470"])) else {
            Issue.record("not refused")
            return
        }
        #expect(p.type == "urn:jmap-relay:error:foreign-host")
        #expect(p.title == "Misdirected Request")
        #expect(p.detail.contains("--allow-host evil.example"))
        #expect(p.detail.contains("localhost:8470"))
        #expect(reason == "foreign Host Evil.Example:8470")
    }

    @Test func noHostAtAllIsNotABrowser() {
        var h = Self.head([:])
        h.version = .http10
        #expect(Self.injecting.decide(h) == .proceed)
    }

    @Test func twoHostHeadersAreABadRequest() {
        #expect(Self.isRefused(Self.plain.decide(Self.head(["Host": "localhost:8470", "host": "evil.example"])), status: 400))
    }

    @Test func thePortIsTheOneBoundNotTheOneAskedFor() {
        let g = RequestGuard(listenHost: "127.0.0.1", port: 40123)
        #expect(g.admitsHost("localhost:40123"))
        #expect(!g.admitsHost("localhost:0"))
        #expect(!g.admitsHost("localhost:8470"))
    }

    @Test(arguments: ["127.0.0.1", "::1", "0.0.0.0", "Relay.Local", "relay.local."])
    func theQuickSpellingsAreExactlyOnesTheRuleAdmits(listenHost: String) throws {
        let g = RequestGuard(listenHost: listenHost, port: Self.port)
        #expect(g.ownSpellings.count == 2 * g.ownHosts.count)
        for spelling in g.ownSpellings {
            let a = try #require(HostAuthority(spelling))
            #expect(g.ownHosts.contains(a.host) && (a.port == nil || a.port == Self.port), "\(spelling)")
        }
        #expect(!g.admitsHost("localhost:8471"))
        #expect(!g.admitsHost("127.0.0.1:84700"))
    }

    @Test func theListenAddressIsAdmittedAsWrittenInAnySpelling() {
        let v6 = RequestGuard(listenHost: "::1", port: Self.port)
        #expect(v6.admitsHost("[::1]:8470"))
        let lan = RequestGuard(listenHost: "192.168.1.5", port: Self.port)
        #expect(lan.admitsHost("192.168.1.5:8470"))
        #expect(lan.admitsHost("localhost:8470"))
        #expect(!lan.admitsHost("192.168.1.6:8470"))
        let named = RequestGuard(listenHost: "Relay.Local", port: Self.port)
        #expect(named.admitsHost("relay.local.:8470"))
    }

    @Test func allowHostOpensExactlyWhatItNames() throws {
        let g = RequestGuard(listenHost: "127.0.0.1", port: Self.port,
                             allowedHosts: [try #require(HostAuthority("jmap.test")), try #require(HostAuthority("other.test:9000"))])
        #expect(g.admitsHost("jmap.test:8470"))
        #expect(g.admitsHost("JMAP.test.:443"))
        #expect(g.admitsHost("jmap.test"))
        #expect(g.admitsHost("other.test:9000"))
        #expect(!g.admitsHost("other.test:8470"))
        #expect(!g.admitsHost("other.test"))
        #expect(!g.admitsHost("sub.jmap.test:8470"))
        #expect(!g.admitsHost("jmap.test.evil.example:8470"))
    }

    @Test func thePushCallbackHostIsAdmittedOnTheCallbackPathOnly() {
        let g = RequestGuard(listenHost: "127.0.0.1", port: Self.port, pushCallbackURL: "https://Hooks.Example.net/relay")
        #expect(g.decide(Self.head("POST", "/_relay/push/t1", ["Host": "hooks.example.net"])) == .proceed)
        #expect(g.decide(Self.head("POST", "/_relay/push/t1", ["Host": "hooks.example.net:443", "Origin": "http://x"])) == .proceed)
        for target in ["/jmap/api/", "/_relay/exchanges", "/_relay/faults", "/.well-known/jmap"] {
            #expect(Self.isRefused(g.decide(Self.head("GET", target, ["Host": "hooks.example.net"])), status: 421), "\(target)")
        }
    }

    @Test(arguments: ["http://127.0.0.1:8470", "http://localhost:8470", "http://[::1]:8470", "HTTP://LocalHost:8470/"])
    func theRelaysOwnPageIsSameOrigin(_ origin: String) {
        let h: HTTPHeaders = ["Host": "127.0.0.1:8470", "Origin": origin]
        #expect(Self.injecting.decide(Self.head(h)) == .proceed)
        #expect(Self.injecting.decide(Self.head("POST", "/_relay/faults", h)) == .proceed)
        #expect(Self.injecting.decide(Self.head("DELETE", "/_relay/faults", h)) == .proceed)
    }

    /// With --tls the same port serves the relay's page over https too; without, that origin is foreign.
    @Test func withTLSTheOwnPageMayComeOverHTTPS() {
        let tls = RequestGuard(listenHost: "127.0.0.1", port: Self.port, injectsCredentials: true, servesTLS: true)
        for origin in ["https://127.0.0.1:8470", "https://localhost:8470", "http://127.0.0.1:8470"] {
            let h: HTTPHeaders = ["Host": "127.0.0.1:8470", "Origin": origin]
            #expect(tls.decide(Self.head("POST", "/_relay/faults", h)) == .proceed, "\(origin)")
        }
        for origin in ["https://127.0.0.1:8471", "https://evil.example:8470"] {
            let h: HTTPHeaders = ["Host": "127.0.0.1:8470", "Origin": origin]
            #expect(Self.isRefused(tls.decide(Self.head("POST", "/_relay/faults", h)), status: 403), "\(origin)")
        }
    }

    @Test(arguments: ["http://evil.example", "null", "https://127.0.0.1:8470", "http://127.0.0.1:8471", "http://localhost", "file://", "chrome-extension://abc"])
    func anyOtherOriginIsForeign(_ origin: String) {
        let h: HTTPHeaders = ["Host": "127.0.0.1:8470", "Origin": origin]
        // With credentials: refused on every method, control API or relayed.
        for (method, target) in [("GET", "/jmap/download/u1/b/x"), ("POST", "/jmap/api/"), ("GET", "/_relay/exchanges"),
                                 ("GET", "/_relay/"), ("POST", "/_relay/faults"), ("GET", "/jmap/ws/")] {
            #expect(Self.isRefused(Self.injecting.decide(Self.head(method, target, h)), status: 403), "\(method) \(target)")
        }
        // Without: the control API is still refused, the API goes on with no CORS grant.
        #expect(Self.isRefused(Self.plain.decide(Self.head("GET", "/_relay/status", h)), status: 403))
        #expect(Self.plain.decide(Self.head("POST", "/jmap/api/", h)) == .proceedCrossOrigin)
    }

    @Test func aForeignPreflightIsAnsweredHereEvenWithoutCredentials() {
        let h: HTTPHeaders = ["Host": "127.0.0.1:8470", "Origin": "http://evil.example", "Access-Control-Request-Method": "POST"]
        guard case .refuse(let p, let reason) = Self.plain.decide(Self.head("OPTIONS", "/jmap/api/", h)) else {
            Issue.record("a foreign preflight must not go upstream")
            return
        }
        #expect(p.status == 403)
        #expect(p.detail.contains("--allow-origin http://evil.example"))
        #expect(reason == "cross-origin preflight from http://evil.example")
        // A plain OPTIONS from a foreign page is no preflight: it goes on, with no grant.
        #expect(Self.plain.decide(Self.head("OPTIONS", "/jmap/api/", ["Origin": "http://evil.example"])) == .proceedCrossOrigin)
    }

    @Test func noOriginIsNoBrowserPage() {
        #expect(Self.injecting.decide(Self.head(["Host": "127.0.0.1:8470"])) == .proceed)
        #expect(Self.injecting.decide(Self.head("OPTIONS", "/jmap/api/", ["Access-Control-Request-Method": "POST"])) == .proceed)
    }

    @Test func twoOriginHeadersAreForeign() {
        let h: HTTPHeaders = ["Origin": "http://127.0.0.1:8470", "origin": "http://127.0.0.1:8470"]
        #expect(Self.isRefused(Self.injecting.decide(Self.head(h)), status: 403))
    }

    @Test func allowOriginOpensExactlyWhatItNames() throws {
        let g = RequestGuard(listenHost: "127.0.0.1", port: Self.port,
                             allowedOrigins: [try #require(WebOrigin("http://localhost:3000"))], injectsCredentials: true)
        for origin in ["http://localhost:3000", "HTTP://LOCALHOST:3000"] {
            #expect(g.decide(Self.head(["Origin": origin])) == .proceed)
            // Its preflight goes to the server, as before the guard.
            #expect(g.decide(Self.head("OPTIONS", "/jmap/api/", ["Origin": origin, "Access-Control-Request-Method": "POST"])) == .proceed)
        }
        for origin in ["http://localhost:3001", "https://localhost:3000", "http://127.0.0.1:3000", "http://localhost"] {
            #expect(Self.isRefused(g.decide(Self.head(["Origin": origin])), status: 403), "\(origin)")
        }
    }

    @Test func anAllowedHostIsTheRelaysOwnOriginOnItsPort() throws {
        let g = RequestGuard(listenHost: "127.0.0.1", port: Self.port, allowedHosts: [try #require(HostAuthority("jmap.test"))],
                             injectsCredentials: true)
        #expect(g.decide(Self.head(["Host": "jmap.test:8470", "Origin": "http://jmap.test:8470"])) == .proceed)
        #expect(Self.isRefused(g.decide(Self.head(["Host": "jmap.test:8470", "Origin": "http://jmap.test:3000"])), status: 403))
    }

    @Test func corsGrantsAreRecognisedInAnyCase() {
        #expect(RequestGuard.isCORSGrant(HTTPField(name: "Access-Control-Allow-Origin", value: "*")))
        #expect(RequestGuard.isCORSGrant(HTTPField(name: "access-control-allow-credentials", value: "true")))
        #expect(RequestGuard.isCORSGrant(HTTPField(name: "Access-Control-Expose-Headers", value: "x")))
        #expect(!RequestGuard.isCORSGrant(HTTPField(name: "Vary", value: "Origin")))
    }

    @Test func allowListEntriesParseOrAreNil() {
        #expect(HostAuthority("Jmap.Test.")?.description == "jmap.test")
        #expect(HostAuthority("[::1]:8470")?.description == "[::1]:8470")
        #expect(HostAuthority("http://jmap.test") == nil)
        #expect(HostAuthority("jmap.test:99999") == nil)
        #expect(WebOrigin("http://localhost:3000/")?.description == "http://localhost:3000")
        #expect(WebOrigin("https://app.example:443")?.description == "https://app.example")
        #expect(WebOrigin("http://localhost:3000/app") == nil)
        #expect(WebOrigin("*") == nil)
        #expect(WebOrigin("null") == nil)
    }
}
