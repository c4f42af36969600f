import Foundation
import RelayCore
import RelayTestSupport
import Testing

/// Real sessions rewritten for a relay on 127.0.0.1:8470, compared with golden files:
/// Cyrus (relative URLs, a host-less `wss:` WebSocket URL) and Fastmail's shape (absolute
/// URLs, downloads from a second origin). `RECORD_SNAPSHOTS=1` rewrites the golden files.
@Suite struct SessionRewriterGoldenTests {
    static let relay = Origin(secure: false, host: "127.0.0.1", port: 8470)

    func rewritten(_ name: String, sessionURL: String) throws -> (RewrittenSession, OriginTable) {
        let input = try Data(contentsOf: URL(fileURLWithPath: Fixture.golden("sessions/\(name).json").read))
        let session = try JSONParser.parse(Array(input))
        var origins = OriginTable(primary: try #require(Origin(url: sessionURL)))
        let out = SessionRewriter(relayBase: Self.relay).rewrite(
            session: session, sessionURL: sessionURL, relayOrigin: Self.relay, origins: &origins)
        let golden = Fixture.golden("sessions/\(name).rewritten.json")
        let text = String(decoding: out.session.prettySerialized(), as: UTF8.self)
        if let diff = Golden.check(text, against: golden.read, recordTo: golden.record) { Issue.record("\(diff)") }
        return (out, origins)
    }

    @Test func cyrusRelativeURLsBecomeTheRelays() throws {
        let (out, _) = try rewritten("cyrus", sessionURL: "http://127.0.0.1:8480/jmap")
        #expect(out.session["apiUrl"] == "http://127.0.0.1:8470/jmap/")
        #expect(out.session["capabilities"]?["urn:ietf:params:jmap:websocket"]?["url"] == "ws://127.0.0.1:8470/jmap/ws/")
        // Templates survive rewriting untouched.
        #expect(out.session["downloadUrl"]?.stringValue?.contains("{accountId}/{blobId}/{name}?accept={type}") == true)
    }

    @Test func fastmailsSecondOriginGetsAPrefix() throws {
        let (out, origins) = try rewritten("fastmail", sessionURL: "https://api.fastmail.com/jmap/session")
        #expect(out.session["apiUrl"] == "http://127.0.0.1:8470/jmap/api/")
        #expect(out.session["downloadUrl"] == "http://127.0.0.1:8470/_origin/1/jmap/download/{accountId}/{blobId}/{name}?type={type}")
        #expect(out.session["capabilities"]?["urn:ietf:params:jmap:websocket"]?["url"] == "ws://127.0.0.1:8470/jmap/ws/")
        // The relay forwards /_origin/1/… to the download host and nowhere else.
        let route = try #require(origins.route("/_origin/1/jmap/download/u1/B/x?type=a"))
        #expect(route.originIndex == 1)
        #expect(route.upstreamTarget == "/jmap/download/u1/B/x?type=a")
        #expect(origins.route("/_origin/2/anything") == nil)
    }

    /// A client that came over TLS gets https and wss; one over plain HTTP what it got before.
    @Test func sessionFollowsTheSchemeTheClientCameIn() throws {
        let input = try Data(contentsOf: URL(fileURLWithPath: Fixture.golden("sessions/cyrus.json").read))
        let session = try JSONParser.parse(Array(input))
        let rewriter = SessionRewriter(relayBase: Self.relay)
        var origins = OriginTable(primary: try #require(Origin(url: "http://127.0.0.1:8480")))
        let secure = rewriter.rewrite(
            session: session, sessionURL: "http://127.0.0.1:8480/jmap", relayOrigin: rewriter.relayOrigin(overTLS: true), origins: &origins)
        #expect(secure.session["apiUrl"] == "https://127.0.0.1:8470/jmap/")
        #expect(secure.session["uploadUrl"]?.stringValue?.hasPrefix("https://127.0.0.1:8470/jmap/upload/") == true)
        #expect(secure.session["downloadUrl"]?.stringValue?.hasPrefix("https://127.0.0.1:8470/jmap/download/") == true)
        #expect(secure.session["eventSourceUrl"]?.stringValue?.hasPrefix("https://127.0.0.1:8470/jmap/eventsource/") == true)
        #expect(secure.session["capabilities"]?["urn:ietf:params:jmap:websocket"]?["url"] == "wss://127.0.0.1:8470/jmap/ws/")
        // The relay-side paths do not depend on the scheme.
        let plain = rewriter.rewrite(
            session: session, sessionURL: "http://127.0.0.1:8480/jmap", relayOrigin: rewriter.relayOrigin(overTLS: false), origins: &origins)
        #expect(plain.endpoints == secure.endpoints)
        #expect(plain.session["apiUrl"] == "http://127.0.0.1:8470/jmap/")
        #expect(plain.session["capabilities"]?["urn:ietf:params:jmap:websocket"]?["url"] == "ws://127.0.0.1:8470/jmap/ws/")
    }

    @Test func redirectLocationFollowsTheSchemeTooAndForeignOnesStay() throws {
        let rewriter = SessionRewriter(relayBase: Self.relay)
        var origins = OriginTable(primary: try #require(Origin(url: "https://api.fastmail.com")))
        let secure = rewriter.relayOrigin(overTLS: true)
        #expect(rewriter.rewriteLocation("/jmap/session", requestURL: "https://api.fastmail.com/.well-known/jmap",
                                         relayOrigin: secure, origins: &origins) == "https://127.0.0.1:8470/jmap/session")
        #expect(rewriter.rewriteLocation("/jmap/session", requestURL: "https://api.fastmail.com/.well-known/jmap",
                                         relayOrigin: Self.relay, origins: &origins) == "http://127.0.0.1:8470/jmap/session")
        #expect(rewriter.rewriteLocation("https://evil.example/x", requestURL: "https://api.fastmail.com/.well-known/jmap",
                                         relayOrigin: secure, origins: &origins) == "https://evil.example/x")
    }
}
