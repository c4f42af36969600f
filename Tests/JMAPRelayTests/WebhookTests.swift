import Foundation
import JMAPRelay
import RelayTestSupport
import Testing

/// Webhooks (RFC 8620 §7.2) through the relay: the server is given a relay callback URL, and
/// what it POSTs there reaches the client's own URL unchanged, is traced, recorded and replayed.
@Suite struct WebhookTests {
    /// URLs the fake server was given.
    final class Seen: Sendable {
        let urls = Locked<[String]>([])
        var first: String? { urls.withLock { $0.first } }
    }

    static func subscribe(_ url: String) -> [UInt8] {
        Array(#"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["PushSubscription/set",{"create":{"p1":{"deviceClientId":"dev","url":"\#(url)","types":null}}},"0"]]}"#.utf8)
    }

    static let get = Array(#"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["PushSubscription/get",{"ids":null},"0"]]}"#.utf8)

    static let encrypted: [UInt8] = [0, 1, 2, 0xFF, 0xFE, 0x7B]
    static let encryptedHeaders: HTTPHeaders = ["Content-Type": "application/octet-stream", "Content-Encoding": "aes128gcm", "TTL": "60"]

    /// A JMAP server that, like a real one, POSTs a PushVerification to each new subscription's
    /// `url` and remembers the URLs it was given.
    static func server(_ seen: Seen) throws -> FakeUpstream {
        try FakeUpstream.jmap { method, args, callId in
            if method == "PushSubscription/get" {
                let list = seen.urls.withLock { $0 }.enumerated().map { i, url -> JSONValue in ["id": .string("ps-p\(i + 1)"), "url": .string(url)] }
                return ["list": .array(list), "notFound": []]
            }
            guard method == "PushSubscription/set" else { return FakeUpstream.echo(method, args, callId) }
            var created = JSONObject()
            for (k, sub) in args["create"]?.objectValue ?? [:] {
                let url = sub["url"]?.stringValue ?? ""
                seen.urls.withLock { $0.append(url) }
                let verification: JSONValue = ["@type": "PushVerification", "pushSubscriptionId": .string("ps-\(k)"), "verificationCode": "code-1"]
                Thread { _ = try? FakeUpstream.postPush(to: url, body: verification.serialized()) }.start()
                created[k] = ["id": .string("ps-\(k)"), "expires": .null]
            }
            return ["accountId": .null, "created": .object(created)]
        }
    }

    /// Subscribes through a recording relay, checks what crosses it, and returns the recording.
    static func recordSubscription(to path: String) throws {
        let seen = Seen()
        let up = try server(seen)
        defer { up.stop() }
        let receiver = try FakeWebhookReceiver()
        defer { receiver.stop() }
        let header = RecordingHeader(created: "now", upstream: up.baseURL, origins: [Origin(url: up.baseURL)!], relay: "t")
        let file = try RecordingFile(path: path, mode: .all, header: header, redactor: Redactor())
        defer { file.close() }
        let h = try RelayHarness(upstream: up.baseURL) { $0.recorder = file }
        defer { h.stop() }

        let c = try h.client()
        _ = try c.request("GET", "/jmap/session")
        let r = try c.request("POST", "/jmap/api/", body: subscribe(receiver.baseURL + "/hook?x=1"))
        #expect(r.json?["methodResponses"]?[0]?[1]?["created"]?["p1"]?["id"] == "ps-p1")
        let given = try #require(seen.first)
        #expect(given.hasPrefix("http://127.0.0.1:\(h.port)/_relay/push/"), "the server got \(given)")

        let verification = try #require(receiver.wait(for: 1).first)
        #expect(verification.head.method == "POST")
        #expect(verification.head.target == "/hook?x=1")
        #expect(verification.json?["verificationCode"] == "code-1")
        // The client sees its own URL in its subscription, not the relay's.
        let listed = try c.request("POST", "/jmap/api/", body: get)
        #expect(listed.json?["methodResponses"]?[0]?[1]?["list"]?[0]?["url"] == .string(receiver.baseURL + "/hook?x=1"))

        // An encrypted push crosses unchanged, with its headers.
        #expect(try FakeUpstream.postPush(to: given, headers: encryptedHeaders, body: encrypted) == 200)
        let second = try #require(receiver.wait(for: 2).last)
        #expect(second.body == encrypted)
        #expect(second.head.headers["content-encoding"] == "aes128gcm")
        #expect(second.head.headers["ttl"] == "60")

        // Never an open relay: tokens the relay did not issue go nowhere.
        #expect(try FakeUpstream.postPush(to: "http://127.0.0.1:\(h.port)/_relay/push/0123456789abcdef", body: [0x7B, 0x7D]) == 404)
        #expect(try h.client().request("GET", String(given.dropFirst("http://127.0.0.1:\(h.port)".count))).head.status == 404)
        #expect(receiver.pushes.count == 2)

        #expect(h.waitForTrace(containing: "hook < PushVerification ps-p1 -> \(receiver.baseURL)/hook?x=1") != nil)
        #expect(h.waitForTrace(containing: "hook < push 6 bytes (aes128gcm)") != nil)
        h.waitForExchanges(7)
    }

    @Test func verificationAndEncryptedPushReachTheClientAndAreRecorded() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hook-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.recordSubscription(to: dir + "/r.jsonl")
        let recording = try RecordingFile.load(path: dir + "/r.jsonl")
        let hooks = recording.pushes.filter { $0.transport == .webhook }
        #expect(hooks.count == 2)
        #expect(hooks.first?.type == "PushVerification")
        #expect(hooks.last?.body == Self.encrypted)
        #expect(hooks.last?.headers["content-encoding"] == "aes128gcm")
        let set = try #require(recording.exchanges.first { $0.kind == .api })
        let token = try #require(PushSubscriptionURLs.created(in: set.requestBody ?? []).first.flatMap(PushSubscriptionURLs.token))
        #expect(hooks.allSatisfy { $0.token == token })
    }

    @Test func replayDeliversTheRecordedVerificationToTheReplayedURL() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hookr-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.recordSubscription(to: dir + "/r.jsonl")
        let recording = try RecordingFile.load(path: dir + "/r.jsonl")
        let replay = ReplayUpstream(recording: recording)
        let h = try RelayHarness(upstream: recording.header.upstream,
                                 upstreamOverride: try PushReplayUpstream(recording: recording, replay: replay))
        defer { h.stop() }
        let receiver = try FakeWebhookReceiver()
        defer { receiver.stop() }

        let c = try h.client()
        _ = try c.request("GET", "/jmap/session")
        let r = try c.request("POST", "/jmap/api/", body: Self.subscribe(receiver.baseURL + "/elsewhere"))
        #expect(r.json?["methodResponses"]?[0]?[1]?["created"]?["p1"]?["id"] == "ps-p1")
        let verification = receiver.wait(for: 1).first
        #expect(verification?.head.target == "/elsewhere")
        #expect(verification?.json?["@type"] == "PushVerification")
        #expect(verification?.json?["verificationCode"] == "code-1")
        let listed = try c.request("POST", "/jmap/api/", body: Self.get)
        #expect(listed.json?["methodResponses"]?[0]?[1]?["list"]?[0]?["url"] == .string(receiver.baseURL + "/elsewhere"))
        // The encrypted push was recorded after the get: it comes once the get is repeated.
        let encrypted = receiver.wait(for: 2).last
        #expect(encrypted?.body == Self.encrypted)
        #expect(encrypted?.head.headers["content-encoding"] == "aes128gcm")
        #expect(replay.misses.isEmpty)
    }

    @Test func pushCallbackURLSetsThePublicBase() throws {
        let seen = Seen()
        let up = try Self.server(seen)
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL) { $0.pushCallbackURL = "https://relay.example/base/" }
        defer { h.stop() }
        let c = try h.client()
        _ = try c.request("GET", "/jmap/session")
        _ = try c.request("POST", "/jmap/api/", body: Self.subscribe("https://client.example/hook"))
        let given = try #require(seen.first)
        #expect(given.hasPrefix("https://relay.example/base/_relay/push/"))
        #expect(given.count == "https://relay.example/base/_relay/push/".count + 32)
    }
}
