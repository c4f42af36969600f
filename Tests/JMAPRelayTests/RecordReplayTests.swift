import Foundation
import JMAPRelay
import RelayTestSupport
import Testing

@Suite struct RecordReplayTests {
    @Test func replayAnswersByteForByteWhatWasRecorded() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rr-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/r.jsonl"
        let up = try FakeUpstream.jmap()
        let header = RecordingHeader(created: "now", upstream: up.baseURL, origins: [Origin(url: up.baseURL)!], relay: "t")
        let file = try RecordingFile(path: path, mode: .all, header: header, redactor: Redactor())
        let live = try RelayHarness(upstream: up.baseURL) { $0.recorder = file }
        let calls = [
            #"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Mailbox/get",{"accountId":"u1"},"0"]]}"#,
            #"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Mailbox/get",{"accountId":"u1"},"0"]]}"#,
            ##"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Email/set",{"create":{"draft":{"a":1}}},"x"],["Email/get",{"#ids":{"resultOf":"x","name":"Email/set","path":"/created/draft/id"}},"y"]]}"##,
        ]
        func run(_ port: Int) throws -> [String] {
            let c = try RawHTTPClient(port: port)
            var out = [try c.request("GET", "/.well-known/jmap").text, try c.request("GET", "/jmap/session").text]
            for call in calls {
                out.append(try c.request("POST", "/jmap/api/", headers: ["Authorization": "Bearer canary-rr"], body: Array(call.utf8)).text)
            }
            out.append(try c.request("GET", "/jmap/download/u1/B7/f.txt").text)
            return out
        }
        let liveAnswers = try run(live.port)
        live.waitForExchanges(6)
        live.stop()
        up.stop()
        file.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("canary-rr"))

        let recording = try RecordingFile.load(path: path)
        let replay = ReplayUpstream(recording: recording)
        let replayed = try RelayHarness(upstream: recording.header.upstream, upstreamOverride: replay)
        defer { replayed.stop() }
        let replayAnswers = try run(replayed.port)
        let normalise = { (s: [String]) in s.map { $0.replacingOccurrences(of: "\(live.port)", with: "P").replacingOccurrences(of: "\(replayed.port)", with: "P") } }
        #expect(normalise(liveAnswers) == normalise(replayAnswers))
        #expect(replay.misses.isEmpty)
        #expect(replay.unusedSeqs.isEmpty)
    }

    @Test func aMissIsA500ProblemWithTheNearestRequest() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let origin = Origin(url: up.baseURL)!
        let rec = Recording(
            header: RecordingHeader(created: "", upstream: up.baseURL, origins: [origin], relay: "t"),
            exchanges: [RecordedExchange(
                seq: 4, tMs: 0, durationMs: 0, kind: .api, origin: origin, request: HTTPRequestHead(method: "POST", target: "/jmap/api/"),
                requestBody: Array(#"{"using":[],"methodCalls":[["Mailbox/get",{"accountId":"u1"},"0"]]}"#.utf8),
                response: HTTPResponseHead(status: 200), responseBody: Array("{}".utf8))],
            otherLines: [], warnings: [])
        let replay = ReplayUpstream(recording: rec)
        let h = try RelayHarness(upstream: up.baseURL, upstreamOverride: replay)
        defer { h.stop() }
        let r = try h.client().request("POST", "/jmap/api/", body: Array(#"{"using":[],"methodCalls":[["Mailbox/get",{"accountId":"u2"},"0"]]}"#.utf8))
        #expect(r.head.status == 500)
        #expect(r.head.headers["content-type"] == "application/problem+json")
        #expect(r.json?["nearestSeq"] == 4)
        #expect(r.text.contains(#"recorded \"u1\", got \"u2\""#))
        #expect(up.requests.isEmpty, "replay must not touch the network")
    }
}
