import RelayCore
import RelayTestSupport
import Testing

@Suite struct RecordingSummaryTests {
    @Test(arguments: [("fastmail-demo.jsonl", false), ("fastmail-demo.jsonl", true), ("sync.jsonl", false), ("sync.jsonl", true)])
    func shippedRecordingsMatchTheGoldenFiles(_ name: String, _ calls: Bool) throws {
        let text = RecordingSummary(try Fixture.recording(name)).text(calls: calls)
        let base = name.replacingOccurrences(of: ".jsonl", with: "")
        let (read, record) = Fixture.golden("\(base).inspect\(calls ? "-calls" : "").txt")
        let diff = Golden.check(text, against: read, recordTo: record)
        #expect(diff == nil, "\(diff ?? "")")
    }

    static let origin = Origin(url: "http://127.0.0.1:8480")!

    static func api(_ seq: Int, _ request: String, _ response: String, status: Int = 200) -> RecordedExchange {
        RecordedExchange(
            seq: seq, tMs: seq * 10, durationMs: 3, kind: .api, origin: origin,
            request: HTTPRequestHead(method: "POST", target: "/jmap/"), requestBody: Array(request.utf8),
            response: HTTPResponseHead(status: status), responseBody: Array(response.utf8))
    }

    static let broken = Recording(
        header: RecordingHeader(created: "2026-11-24T15:20:30Z", upstream: "http://127.0.0.1:8480", origins: [origin], relay: "t"),
        exchanges: [
            api(1, #"{"using":[],"methodCalls":[["Mailbox/get",{"accountId":"a"},"m"],["Email/set",{"create":{"k1":{}}},"s"]]}"#,
                #"{"methodResponses":[["Mailbox/get",{"list":[]},"m"],["Email/set",{"notCreated":{"k1":{"type":"invalidProperties","properties":["mailboxIds"]}},"notUpdated":null,"notDestroyed":{"E9":{"type":"notFound"}}},"s"]]}"#),
            api(2, #"{"using":[],"methodCalls":[["Mailbox/get",{},"0"],["Email/get",{},"1"]]}"#,
                #"{"methodResponses":[["Mailbox/get",{"list":[]},"0"],["error",{"type":"serverFail","description":"disk"},"1"]]}"#),
            api(3, #"{"using":[],"methodCalls":[["Email/query",{},"0"]]}"#,
                #"{"type":"urn:ietf:params:jmap:error:limit","status":400}"#, status: 400),
        ],
        otherLines: [["kind": "push", "data": "x"], ["kind": "push"], ["kind": "ws-frame"]])

    @Test func errorsOfEveryKindAreListedWithTheirExchange() {
        let s = RecordingSummary(Self.broken)
        #expect(s.problems.map { "#\($0.seq) \($0.method ?? "-") \($0.text)" } == [
            "#1 Email/set notCreated k1: invalidProperties [mailboxIds]",
            "#1 Email/set notDestroyed E9: notFound",
            "#2 Email/get error serverFail: disk",
            "#3 - HTTP 400 Bad Request POST /jmap/ (urn:ietf:params:jmap:error:limit)",
        ])
        let text = s.text()
        #expect(text.contains("Errors: 4\n"))
        #expect(text.contains("  #2    Email/get [1]  error serverFail: disk\n"))
        #expect(text.contains("Push and other lines: 3 (push 2, ws-frame 1)\n"))
    }

    @Test func methodsAreCountedMostCalledFirstThenByName() {
        let s = RecordingSummary(Self.broken)
        #expect(s.methodCounts.map { "\($0.count) \($0.name)" } == ["2 Mailbox/get", "1 Email/get", "1 Email/query", "1 Email/set"])
        #expect(s.durationMs == 23)
    }

    @Test func callsShowAbbreviatedArgumentsBesideTheirResponses() {
        let long = String(repeating: "x", count: 200)
        let rec = Recording(
            header: Self.broken.header,
            exchanges: [Self.api(7, #"{"using":[],"methodCalls":[["Core/echo",{"text":"\#(long)"},"c1"]]}"#,
                                 #"{"methodResponses":[["Core/echo",{},"c1"]]}"#)])
        let line = RecordingSummary(rec).text(calls: true).split(separator: "\n").last.map(String.init) ?? ""
        #expect(line.hasPrefix("  #7    Core/echo  c1  {\"text\":\"xxx"))
        #expect(line.hasSuffix("…  -> Core/echo"))
        #expect(line.contains(String(repeating: "x", count: 70) + "…"))
        #expect(!line.contains(String(repeating: "x", count: 80)))
    }
}
