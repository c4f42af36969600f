import Foundation
import RelayTestSupport
import Testing

@testable import JMAPRelay

/// Credentials are masked by value in everything the relay writes, wherever they turn up: a
/// server that echoes them back, a query token, a webhook token. What the client receives is
/// untouched.
@Suite struct SecretScrubbingTests {
    /// One canary per kind of credential, unique to a run (the process remembers secrets).
    struct Canaries {
        let bearer: String
        let basicPassword: String
        let basic: String
        let query: String
        let cookie: String
        let authEnv: String

        init(_ run: String) {
            bearer = "canary-bearer-\(run)-0001"
            basicPassword = "canary-basic-\(run)-0002"
            basic = "Basic " + Base64.encode(Array("alice:\(basicPassword)".utf8))
            query = "canary-query-\(run)-0003"
            cookie = "canary-cookie-\(run)-0004"
            authEnv = "canary-env-\(run)-0005"
        }
    }

    /// A JMAP server that echoes the request's `Authorization`, `Cookie` and target back in a
    /// response header and in the body, sets the cookie it got, and keeps the webhook URLs it
    /// is given.
    static func echoServer(urls: Locked<[String]>) throws -> FakeUpstream {
        try FakeUpstream { head, body in
            let path = String(head.path)
            if path == "/jmap/session" {
                return .respond(status: 200, headers: ["Content-Type": "application/json"], body: FakeUpstream.defaultSession.serialized())
            }
            if path == "/.well-known/jmap" {
                return .respond(status: 200, headers: ["Content-Type": "application/json"], body: Array("not a session".utf8))
            }
            for sub in PushSubscriptionURLs.created(in: body) { urls.withLock { $0.append(sub) } }
            let auth = head.headers["authorization"] ?? ""
            let echo: JSONValue = [
                "authorization": .string(auth), "cookie": .string(head.headers["cookie"] ?? ""), "target": .string(head.target),
                "request": .string(String(decoding: body, as: UTF8.self)),
            ]
            var headers: HTTPHeaders = ["X-Echo-Authorization": auth, "X-Echo-Target": head.target]
            if let cookie = head.headers["cookie"] { headers.add("Set-Cookie", cookie + "; Path=/") }
            if path.hasPrefix("/jmap/download/") {
                // Binary, and large enough to be stored beside the recording.
                headers.add("Content-Type", "application/octet-stream")
                let big = path.contains("big")
                return .respond(status: 200, headers: headers,
                                body: [0xFF, 0x00] + Array(repeating: 0x41, count: big ? 300_000 : 10) + echo.serialized())
            }
            headers.add("Content-Type", "application/json")
            let answer: JSONValue = ["methodResponses": [["Core/echo", echo, "0"]], "sessionState": "s1"]
            return .respond(status: 200, headers: headers, body: answer.serialized())
        }
    }

    static func call(_ name: String, _ args: String) -> [UInt8] {
        Array(#"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["\#(name)",\#(args),"0"]]}"#.utf8)
    }

    @Test(arguments: [RelayConfiguration.TraceMode.text, .json])
    func noOutputHoldsACredentialAndTheClientGetsItsEcho(trace: RelayConfiguration.TraceMode) throws {
        let canary = Canaries("\(trace)-\(UInt32.random(in: 0...UInt32.max))")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scrub-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let urls = Locked<[String]>([])
        let up = try Self.echoServer(urls: urls)
        defer { up.stop() }
        let receiver = try FakeWebhookReceiver()
        defer { receiver.stop() }
        let header = RecordingHeader(created: "now", upstream: up.baseURL, origins: [Origin(url: up.baseURL)!], relay: "t")
        let file = try RecordingFile(path: dir + "/r.jsonl", mode: .all, header: header, redactor: Redactor())
        let h = try RelayHarness(upstream: up.baseURL, trace: trace) {
            $0.recorder = file
            $0.injectedAuthorization = HeaderPolicy.authorization(fromSecret: canary.authEnv)
        }
        defer { h.stop() }
        let c = try h.client()
        _ = try c.request("GET", "/jmap/session")

        // Each credential goes up, and comes back in a header and in the body.
        let sent: [(HTTPHeaders, String, [UInt8]?, String)] = [
            (["Authorization": "Bearer " + canary.bearer], "/jmap/api/", Self.call("Core/echo", "{}"), "Bearer " + canary.bearer),
            (["Authorization": canary.basic], "/jmap/api/", Self.call("Core/echo", "{}"), canary.basic),
            ([:], "/jmap/download/u1/b1/x?access_token=\(canary.query)", nil, canary.query),
            (["Cookie": "sid=\(canary.cookie)"], "/jmap/download/u1/big/x", nil, canary.cookie),
            ([:], "/jmap/api/", Self.call("Core/echo", #"{"note":"\#(canary.bearer)"}"#), "Bearer " + canary.authEnv),
        ]
        for (headers, target, body, expected) in sent {
            let r = try c.request(body == nil ? "GET" : "POST", target, headers: headers, body: body)
            #expect(r.head.status == 200)
            #expect(r.text.contains(expected), "the client gets its echo of \(expected)")
        }
        let echoed = try c.request("POST", "/jmap/api/", headers: ["Authorization": "Bearer " + canary.bearer], body: Self.call("Core/echo", "{}"))
        #expect(echoed.head.headers["x-echo-authorization"] == "Bearer " + canary.bearer)
        // A query token reaches a log line (a session answer that is not JSON is logged with its URL).
        _ = try c.request("GET", "/.well-known/jmap?access_token=\(canary.query)")
        #expect(h.logLines.contains { $0.contains("access_token=***") })

        // A webhook: the server is given a relay callback URL with a token, and pushes to it.
        let subscribe = Self.call("PushSubscription/set", #"{"create":{"p1":{"deviceClientId":"d","url":"\#(receiver.baseURL)/hook","types":null}}}"#)
        _ = try c.request("POST", "/jmap/api/", body: subscribe)
        let callback = try #require(urls.withLock { $0.first })
        let token = try #require(PushSubscriptionURLs.token(inCallbackURL: callback))
        #expect(try FakeUpstream.postPush(to: callback, body: Array(#"{"@type":"PushVerification","verificationCode":"\#(token)"}"#.utf8)) == 200)
        #expect(receiver.wait(for: 1).first?.json?["verificationCode"] == .string(token), "the client gets the push unchanged")
        h.waitForExchanges(sent.count + 5)

        let secrets = [canary.bearer, canary.basic, String(canary.basic.dropFirst(6)), canary.basicPassword, canary.query,
                       canary.cookie, canary.authEnv, token]
        var outputs: [(String, String)] = []
        // The control API, its event stream, the inspector and the live HAR.
        let control = try h.client()
        for path in ["/_relay/exchanges", "/_relay/export.har", "/_relay/", "/_relay/status"] {
            outputs.append((path, try control.request("GET", path).text))
        }
        outputs.append(("/_relay/events", try Self.events(port: h.port, untilItMentions: "/_relay/push/")))
        h.stop()
        file.close()
        // The recording (and its side folder), and the HAR made from it (`export-har`).
        let recorded = try String(contentsOfFile: dir + "/r.jsonl", encoding: .utf8)
        outputs.append(("recording", recorded))
        let blobs = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/r.jsonl.blobs")) ?? []
        #expect(!blobs.isEmpty, "a body was stored beside the recording")
        for blob in blobs { outputs.append(("blob \(blob)", String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir + "/r.jsonl.blobs/" + blob)), as: UTF8.self))) }
        let recording = try RecordingFile.load(path: dir + "/r.jsonl")
        outputs.append(("export-har", String(decoding: HARExporter(creatorVersion: "t").har(recording).prettySerialized(), as: UTF8.self)))
        outputs.append(("trace", h.traceLines.joined(separator: "\n")))
        outputs.append(("log", h.logLines.joined(separator: "\n")))

        for (name, text) in outputs {
            for secret in secrets { #expect(!text.contains(secret), "\(name) holds \(secret)") }
        }
        // The searches looked where the credentials would have been.
        #expect(recorded.contains(#"["x-echo-authorization","***"]"#))
        #expect(recorded.contains("access_token=***"))
        #expect(h.traceLines.contains { $0.contains("access_token=***") })
        #expect(h.traceLines.contains { $0.contains("/_relay/push/***") })
        #expect(outputs.first { $0.0 == "/_relay/exchanges" }?.1.contains("x-echo-authorization\",\"***") == true)
        #expect(outputs.first { $0.0 == "/_relay/events" }?.1.contains("/_relay/push/***") == true)
    }

    /// Push lines and WebSocket frames: a query token in an event stream's URL and in its
    /// events, a Bearer token in the upgrade request and in a frame. A replay with another
    /// token still finds what was recorded with the first.
    @Test func pushLinesAndWebSocketFramesAreScrubbed() throws {
        let canary = Canaries("push-\(UInt32.random(in: 0...UInt32.max))")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scrubp-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let events = FakeEventStream()
        let up = try FakeUpstream.jmap(eventStream: events)
        defer { up.stop() }
        let header = RecordingHeader(created: "now", upstream: up.baseURL, origins: [Origin(url: up.baseURL)!], relay: "t")
        let file = try RecordingFile(path: dir + "/r.jsonl", mode: .all, header: header, redactor: Redactor())
        let h = try RelayHarness(upstream: up.baseURL) { $0.recorder = file }
        let c = try h.client()
        _ = try c.request("GET", "/jmap/session")
        let download = "/jmap/download/u1/b1/x?accept=text/plain&access_token="
        #expect(try c.request("GET", download + canary.query).head.status == 200)
        let sse = try h.client()
        let streamTarget = "/jmap/eventsource/?types=*&closeafter=no&ping=0&access_token="
        #expect(try PushRecordingTests.openStream(sse, streamTarget + canary.query).status == 200)
        let change = ServerSentEvent(event: "state", data: #"{"@type":"StateChange","changed":{"u1":{"Email":"\#(canary.query)"}}}"#, id: "7")
        events.send(change)
        var parser = ServerSentEventParser()
        #expect(try PushRecordingTests.readEvent(sse, &parser) == change, "the client gets the event unchanged")
        events.end()
        #expect(try PushRecordingTests.readEvent(sse, &parser) == nil)

        let ws = try RawWebSocketClient(port: h.port, path: "/jmap/ws/",
                                        headers: ["Sec-WebSocket-Protocol": "jmap", "Authorization": "Bearer " + canary.bearer])
        defer { ws.close() }
        let answer = try ws.readJSONAfterSending(
            #"{"@type":"Request","id":"r1","using":["urn:ietf:params:jmap:core"],"methodCalls":[["Mailbox/get",{"accountId":"u1","note":"\#(canary.bearer)"},"a"]]}"#)
        #expect(answer["methodResponses"]?[0]?[1]?["note"] == .string(canary.bearer), "the client gets its echo")
        try ws.send(.close(code: 1000, reason: "", maskKey: [1, 2, 3, 4]))
        _ = try ws.readFrame()
        #expect(h.waitForTrace(containing: "ws > close 1000") != nil)
        h.stop()
        file.close()

        let recorded = try String(contentsOfFile: dir + "/r.jsonl", encoding: .utf8)
        let trace = h.traceLines.joined(separator: "\n")
        for secret in [canary.query, canary.bearer] {
            #expect(!recorded.contains(secret), "the recording holds \(secret)")
            #expect(!trace.contains(secret), "the trace holds \(secret)")
        }
        let recording = try RecordingFile.load(path: dir + "/r.jsonl")
        #expect(recording.pushes.first?.event?["changed"]?["u1"]?["Email"] == "***")
        #expect(recording.webSocketPairs.first?.request["methodCalls"]?[0]?[1]?["note"] == "***")

        // Replayed with another token, what was recorded is found.
        let replay = ReplayUpstream(recording: recording)
        let r = try RelayHarness(upstream: recording.header.upstream,
                                 upstreamOverride: try PushReplayUpstream(recording: recording, replay: replay))
        defer { r.stop() }
        _ = try r.client().request("GET", "/jmap/session")
        #expect(try r.client().request("GET", download + "another-token-1").head.status == 200)
        let again = try r.client()
        #expect(try PushRecordingTests.openStream(again, streamTarget + "another-token-\(canary.query)").status == 200)
        var p2 = ServerSentEventParser()
        #expect(try PushRecordingTests.readEvent(again, &p2)?.id == "7")
        #expect(replay.misses.isEmpty)
    }

    /// Stdout written at once (a file) and through the writer thread (a pipe nobody reads
    /// yet): every line is scrubbed either way.
    @Test func traceLinesAreScrubbedOnEveryPathToStdout() throws {
        let scrubber = SecretScrubber()
        scrubber.learn("trace-secret-1")
        let sent = (0..<300).map { i in "trace-secret-1 #\(i) " + String(repeating: "x", count: 500) + " trace-secret-1" }
        let expected = sent.map { $0.replacingOccurrences(of: "trace-secret-1", with: "***") + "\n" }.joined()

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString).txt")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        let toFile = TraceSink(custom: nil, fd: handle.fileDescriptor, scrubber: scrubber)
        for line in sent { toFile.emit(line) }
        toFile.close()
        #expect(try String(contentsOf: url, encoding: .utf8) == expected)

        let pipe = Pipe()
        let toPipe = TraceSink(custom: nil, fd: pipe.fileHandleForWriting.fileDescriptor, scrubber: scrubber)
        for line in sent { toPipe.emitLine { $0.append(contentsOf: line.utf8) } }  // more than a pipe holds: some queue
        let reader = DetachedRead(pipe.fileHandleForReading)
        toPipe.close()
        try pipe.fileHandleForWriting.close()
        #expect(String(decoding: reader.wait(), as: UTF8.self) == expected)
    }

    /// The text of `/_relay/events` once it mentions `marker`.
    static func events(port: Int, untilItMentions marker: String) throws -> String {
        let c = try RawHTTPClient(port: port)
        defer { c.close() }
        try c.send("GET /_relay/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        _ = try c.readHead()
        var text = ""
        while !text.contains(marker), let piece = try c.readBodyPiece() { text += String(decoding: piece, as: UTF8.self) }
        return text
    }
}
