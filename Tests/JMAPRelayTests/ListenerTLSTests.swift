import Foundation
import JMAPRelay
import RelayTestSupport
import Testing

/// `--tls`: the relay's port speaks https and http both, a client that came over TLS gets
/// https/wss URLs, and recording, replay, faults and push work over https as over http.
/// TLS runs on the event loops, on the same connections as plain HTTP.
@Suite struct ListenerTLSTests {
    final class TLSDirectory {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("relay-tls-\(UUID().uuidString)").path
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    static func harness(_ up: FakeUpstream, _ dir: TLSDirectory, configure: (inout RelayConfiguration) -> Void = { _ in },
                        upstreamOverride: (any Upstream)? = nil) throws -> RelayHarness
    {
        try RelayHarness(upstream: up.baseURL, configure: {
            $0.listenerTLS = ListenerTLSConfiguration(directory: dir.path)
            configure(&$0)
        }, upstreamOverride: upstreamOverride)
    }

    @Test func sessionOverHTTPSNamesHTTPSAndPlainClientsOnTheSamePortGetHTTP() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let dir = TLSDirectory()
        let h = try Self.harness(up, dir) {
            $0.faults = [try! FaultSpec.parse("call=Email/set action=method-error:serverFail")]
        }
        defer { h.stop() }
        let ca = try #require(h.relay.caCertificatePath)
        #expect(ca == dir.path + "/ca.pem")
        #expect(h.relay.secureSessionURL == "https://127.0.0.1:\(h.port)/.well-known/jmap")

        let secure = try RawHTTPClient(port: h.port, trusting: ca)
        let session = try secure.request("GET", "/jmap/session")
        #expect(session.head.status == 200)
        let base = "https://127.0.0.1:\(h.port)"
        #expect(session.json?["apiUrl"]?.stringValue?.hasPrefix(base + "/") == true)
        #expect(session.json?["uploadUrl"]?.stringValue?.hasPrefix(base + "/") == true)
        #expect(session.json?["downloadUrl"]?.stringValue?.hasPrefix(base + "/") == true)
        #expect(session.json?["eventSourceUrl"]?.stringValue?.hasPrefix(base + "/") == true)
        #expect(session.json?["capabilities"]?["urn:ietf:params:jmap:websocket"]?["url"]?.stringValue?.hasPrefix("wss://127.0.0.1:\(h.port)/") == true)

        // An API call, and a fault, over the same TLS connection.
        let call = try secure.request("POST", "/jmap/api/", body: Array(
            #"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Mailbox/get",{"accountId":"u1"},"a"],["Email/set",{},"b"]]}"#.utf8))
        #expect(call.head.status == 200)
        #expect(call.json?["methodResponses"]?[0]?[0] == "Mailbox/get")
        #expect(call.json?["methodResponses"]?[1]?[1]?["type"] == "serverFail")

        // A plain client on the same port, meanwhile, gets what it always got.
        let plain = try h.client()
        #expect(try plain.request("GET", "/jmap/session").json?["apiUrl"]?.stringValue?.hasPrefix("http://127.0.0.1:\(h.port)/") == true)
        // And the TLS connection is still good.
        #expect(try secure.request("GET", "/jmap/session").head.status == 200)
        #expect(h.waitForTrace(containing: "Mailbox/get,Email/set") != nil)
    }

    @Test func eventSourceAndWebSocketOverTLS() throws {
        let stream = FakeEventStream()
        let up = try FakeUpstream.jmap(eventStream: stream)
        defer { up.stop() }
        let dir = TLSDirectory()
        let h = try Self.harness(up, dir)
        defer { h.stop() }
        let ca = try #require(h.relay.caCertificatePath)

        let c = try RawHTTPClient(port: h.port, trusting: ca)
        _ = try c.request("GET", "/jmap/session")
        try c.send("GET /jmap/eventsource/?types=*&closeafter=no&ping=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        #expect(try c.readHead().status == 200)
        let change = #"{"@type":"StateChange","changed":{"u1":{"Email":"s2"}}}"#
        stream.send(ServerSentEvent(event: "state", data: change, id: "1"))
        var parser = ServerSentEventParser()
        var event: ServerSentEvent?
        while event == nil, let piece = try c.readBodyPiece() {
            event = parser.feed(piece).first
        }
        #expect(event?.data == change)
        stream.end()

        let ws = try RawWebSocketClient(port: h.port, path: "/jmap/ws/", headers: ["Sec-WebSocket-Protocol": "jmap"], trusting: ca)
        defer { ws.close() }
        #expect(ws.handshake.status == 101)
        try ws.sendText(#"{"@type":"Request","id":"r1","using":["urn:ietf:params:jmap:core"],"methodCalls":[["Mailbox/get",{"accountId":"u1"},"a"]]}"#)
        #expect(try ws.readJSON()["requestId"] == "r1")
        try ws.sendText(#"{"@type":"WebSocketPushEnable","dataTypes":["Email"]}"#)
        #expect(try ws.readJSON()["@type"] == "StateChange")
        #expect(h.waitForTrace(containing: "ws > Request r1 Mailbox/get") != nil)
    }

    @Test func recordedOverTLSThenReplayedOverTLS() throws {
        let dir = TLSDirectory()
        let path = dir.path + "-r.jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let up = try FakeUpstream.jmap()
        let header = RecordingHeader(created: "now", upstream: up.baseURL, origins: [Origin(url: up.baseURL)!], relay: "t")
        let file = try RecordingFile(path: path, mode: .all, header: header, redactor: Redactor())
        let live = try Self.harness(up, dir) { $0.recorder = file }
        let call = #"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Mailbox/get",{"accountId":"u1"},"0"]]}"#
        func run(_ relay: RelayHarness) throws -> [String] {
            let c = try RawHTTPClient(port: relay.port, trusting: try #require(relay.relay.caCertificatePath))
            let answers = [try c.request("GET", "/jmap/session").text, try c.request("POST", "/jmap/api/", body: Array(call.utf8)).text]
            return answers.map { $0.replacingOccurrences(of: ":\(relay.port)/", with: ":P/") }
        }
        let liveAnswers = try run(live)
        live.waitForExchanges(2)
        live.stop()
        up.stop()
        file.close()

        let recording = try RecordingFile.load(path: path)
        let replay = ReplayUpstream(recording: recording)
        let replayed = try Self.harness(up, dir, upstreamOverride: replay)
        defer { replayed.stop() }
        let replayAnswers = try run(replayed)
        #expect(replayAnswers == liveAnswers)
        #expect(replayAnswers[0].contains("https://127.0.0.1:P/"))
        #expect(replay.misses.isEmpty)
    }

    @Test func aBadHandshakeIsOneLogLineAndOthersCarryOn() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let dir = TLSDirectory()
        let h = try Self.harness(up, dir)
        defer { h.stop() }
        let ca = try #require(h.relay.caCertificatePath)
        let secure = try RawHTTPClient(port: h.port, trusting: ca)
        let plain = try h.client()
        #expect(try secure.request("GET", "/jmap/session").head.status == 200)

        // A handshake record header followed by bytes that are no ClientHello.
        let garbage = try RawHTTPClient(port: h.port)
        try garbage.send([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5])
        #expect(garbage.waitForClose(timeout: .seconds(5)))
        // A client that does not trust the relay's CA gives up in the handshake.
        let otherCA = TLSDirectory()
        let untrusted = try LocalCA(directory: otherCA.path)
        #expect(throws: TLSEngineError(.certificate, detail: "self-signed certificate in certificate chain")) {
            try RawHTTPClient(port: h.port, trusting: untrusted.certificatePath)
        }

        #expect(try secure.request("GET", "/jmap/session").head.status == 200)
        #expect(try plain.request("GET", "/jmap/session").head.status == 200)
        #expect(h.waitForLog(containing: "TLS handshake failed: excessive message size") != nil)
        #expect(h.waitForLog(containing: "TLS handshake failed: tlsv1 alert unknown ca") != nil)
        let failures = h.logLines.filter { $0.contains("TLS connection from 127.0.0.1:") }
        #expect(failures.count == 2)
        for line in failures {
            #expect(!line.contains("\n"))
            #expect(line.hasPrefix("jmap-relay: warning: TLS connection from 127.0.0.1:"))
        }
    }

    /// Bigger than the socket buffers both ways: TLS output waits for the socket without stalling.
    @Test func largeBodiesBothWaysOverTLS() throws {
        let big = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let up = try FakeUpstream { head, body in
            .respond(status: 200, headers: ["Content-Type": "application/octet-stream"], body: head.method == "POST" ? body : big)
        }
        defer { up.stop() }
        let dir = TLSDirectory()
        let h = try Self.harness(up, dir)
        defer { h.stop() }
        let c = try RawHTTPClient(port: h.port, trusting: try #require(h.relay.caCertificatePath))
        #expect(try c.request("GET", "/download/big").body == big)
        #expect(try c.request("POST", "/upload/big", body: big).body == big)
        #expect(try c.request("GET", "/download/big").body.count == big.count)
    }
}
