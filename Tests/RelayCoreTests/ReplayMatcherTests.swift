import Testing

@testable import RelayCore

private let origin = Origin(url: "http://127.0.0.1:8480")!

private func exchange(_ seq: Int, _ method: String, _ target: String, request: String? = nil, response: String,
                      kind: EndpointKind = .api) -> RecordedExchange {
    RecordedExchange(seq: seq, tMs: seq, durationMs: 1, kind: kind, origin: origin,
                     request: HTTPRequestHead(method: method, target: target, headers: ["Authorization": "Basic x"]),
                     requestBody: request.map { Array($0.utf8) },
                     response: HTTPResponseHead(status: 200, headers: ["Content-Type": "application/json"]),
                     responseBody: Array(response.utf8))
}

private func recording(_ e: [RecordedExchange]) -> Recording {
    Recording(header: RecordingHeader(created: "", upstream: origin.httpBase, origins: [origin], relay: "t"),
              exchanges: e, otherLines: [], warnings: [])
}

private func body(_ outcome: ReplayMatcher.Outcome) -> JSONValue? {
    if case .hit(_, let b, _) = outcome { return try? JSONParser.parse(b) }
    return nil
}

@Suite struct ReplayMatcherTests {
    let setRequest = ##"{"using":["urn:ietf:params:jmap:mail","urn:ietf:params:jmap:core"],"methodCalls":[["Email/set",{"accountId":"a","create":{"draft":{"subject":"x"}}},"c0"],["EmailSubmission/set",{"accountId":"a","create":{"s":{"emailId":"#draft"}},"onSuccessDestroyEmail":["#s"]},"c1"]]}"##
    let setResponse = #"{"methodResponses":[["Email/set",{"created":{"draft":{"id":"M1"}}},"c0"],["EmailSubmission/set",{"created":{"s":{"id":"S1"}}},"c1"]],"sessionState":"0","createdIds":{"draft":"M1"}}"#

    @Test func matchesWithOtherCallIdsAndCreationIdNames() throws {
        var m = ReplayMatcher(recording: recording([exchange(1, "POST", "/jmap/", request: setRequest, response: setResponse)]))
        let client = ##"{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],"methodCalls":[["Email/set",{"accountId":"a","create":{"k1":{"subject":"x"}}},"A"],["EmailSubmission/set",{"accountId":"a","create":{"k2":{"emailId":"#k1"}},"onSuccessDestroyEmail":["#k2"]},"B"]]}"##
        let r = try #require(body(m.answer(origin: origin, head: HTTPRequestHead(method: "POST", target: "/jmap/"), body: Array(client.utf8))))
        #expect(r["methodResponses"]?[0]?[2] == "A")
        #expect(r["methodResponses"]?[1]?[2] == "B")
        #expect(r["methodResponses"]?[0]?[1]?["created"]?["k1"]?["id"] == "M1")
        #expect(r["methodResponses"]?[1]?[1]?["created"]?["k2"]?["id"] == "S1")
        #expect(r["createdIds"]?["k1"] == "M1")
        #expect(m.unusedSeqs.isEmpty)
    }

    @Test func resultReferencesMatchByPositionNotId() throws {
        let rec = ##"{"using":[],"methodCalls":[["Email/query",{"accountId":"a"},"q"],["Email/get",{"accountId":"a","#ids":{"resultOf":"q","name":"Email/query","path":"/ids"}},"g"]]}"##
        var m = ReplayMatcher(recording: recording([exchange(1, "POST", "/jmap/", request: rec, response: #"{"methodResponses":[["Email/query",{"ids":["M1"]},"q"],["Email/get",{"list":[]},"g"]]}"#)]))
        let client = ##"{"using":[],"methodCalls":[["Email/query",{"accountId":"a"},"0"],["Email/get",{"accountId":"a","#ids":{"resultOf":"0","name":"Email/query","path":"/ids"}},"1"]]}"##
        let r = body(m.answer(origin: origin, head: HTTPRequestHead(method: "POST", target: "/jmap/"), body: Array(client.utf8)))
        #expect(r?["methodResponses"]?[1]?[2] == "1")
    }

    @Test func identicalRequestsGetRecordedAnswersInOrderThenTheLastRepeats() {
        let req = #"{"using":[],"methodCalls":[["Mailbox/get",{"accountId":"a"},"0"]]}"#
        var m = ReplayMatcher(recording: recording([
            exchange(1, "POST", "/jmap/", request: req, response: #"{"methodResponses":[["Mailbox/get",{"state":"1"},"0"]]}"#),
            exchange(2, "POST", "/jmap/", request: req, response: #"{"methodResponses":[["Mailbox/get",{"state":"2"},"0"]]}"#),
        ]))
        let head = HTTPRequestHead(method: "POST", target: "/jmap/")
        let states = (0..<3).map { _ in body(m.answer(origin: origin, head: head, body: Array(req.utf8)))?["methodResponses"]?[0]?[1]?["state"] }
        #expect(states == ["1", "2", "2"])
    }

    @Test func changesAreAnsweredBySinceState() {
        let a = #"{"using":[],"methodCalls":[["Email/changes",{"accountId":"a","sinceState":"10"},"0"]]}"#
        let b = #"{"using":[],"methodCalls":[["Email/changes",{"accountId":"a","sinceState":"12"},"0"]]}"#
        var m = ReplayMatcher(recording: recording([
            exchange(1, "POST", "/jmap/", request: a, response: #"{"methodResponses":[["Email/changes",{"newState":"12"},"0"]]}"#),
            exchange(2, "POST", "/jmap/", request: b, response: #"{"methodResponses":[["Email/changes",{"newState":"13"},"0"]]}"#),
        ]))
        let head = HTTPRequestHead(method: "POST", target: "/jmap/")
        #expect(body(m.answer(origin: origin, head: head, body: Array(b.utf8)))?["methodResponses"]?[0]?[1]?["newState"] == "13")
        #expect(body(m.answer(origin: origin, head: head, body: Array(a.utf8)))?["methodResponses"]?[0]?[1]?["newState"] == "12")
    }

    @Test func aMissNamesTheNearestRequestAndTheDifference() throws {
        let rec = #"{"using":[],"methodCalls":[["Email/query",{"accountId":"a","filter":{"inMailbox":"abc"}},"0"]]}"#
        var m = ReplayMatcher(recording: recording([exchange(7, "POST", "/jmap/", request: rec, response: "{}")]))
        let got = #"{"using":[],"methodCalls":[["Email/query",{"accountId":"a","filter":{"inMailbox":"xyz"}},"0"]]}"#
        guard case .miss(let miss) = m.answer(origin: origin, head: HTTPRequestHead(method: "POST", target: "/jmap/"), body: Array(got.utf8)) else {
            Issue.record("expected a miss")
            return
        }
        #expect(miss.nearestSeq == 7)
        #expect(miss.diff.contains(#"methodCalls[0][1].filter.inMailbox: recorded "abc", got "xyz""#))
        let p = miss.problem
        #expect(p.status == 500)
        #expect(p.type == "urn:jmap-relay:error:replay-miss")
        #expect(m.misses.count == 1)
        #expect(m.unusedSeqs == [7])
    }

    @Test func authorizationIsNotPartOfTheMatch() {
        var m = ReplayMatcher(recording: recording([exchange(1, "GET", "/jmap/download/a/B1/x", response: "data", kind: .download)]))
        let head = HTTPRequestHead(method: "GET", target: "/jmap/download/a/B1/x", headers: ["Authorization": "Bearer other"])
        if case .miss = m.answer(origin: origin, head: head, body: []) { Issue.record("Authorization must not matter") }
    }
}

@Suite struct RecordingCodecTests {
    let codec = RecordingCodec(sideThreshold: 64, sha256Hex: { b in "h\(b.count)" })

    @Test func roundTripsExchangesAndSideStoredBodies() throws {
        let header = RecordingHeader(created: "2026-11-24T00:00:00Z", upstream: origin.httpBase, origins: [origin], relay: "t")
        let big = [UInt8](repeating: 7, count: 100)
        let e1 = exchange(1, "POST", "/jmap/", request: #"{"z":1,"a":[true,null]}"#, response: #"{"methodResponses":[],"b":1,"a":2}"#)
        var e2 = exchange(2, "GET", "/jmap/download/a/B/x", response: "", kind: .download)
        e2.responseBody = big
        var text = RecordingCodec.headerLine(header)
        var blobs: [String: [UInt8]] = [:]
        for e in [e1, e2] {
            let (line, b) = codec.exchangeLine(e)
            text += line
            for (k, v) in b { blobs[k] = v }
        }
        let r = try RecordingCodec.load(text) { blobs[$0] }
        #expect(r.exchanges.count == 2)
        #expect(r.exchanges[0].responseBody == Array(#"{"methodResponses":[],"b":1,"a":2}"#.utf8), "server key order kept")
        #expect(r.exchanges[1].responseBody == big)
        let firstLine = String(decoding: text.split(separator: 0x0A)[1], as: UTF8.self)
        #expect(firstLine.hasPrefix(#"{"dur_ms":1,"endpoint":"api","kind":"exchange""#), "envelope keys sorted")
    }

    static let broken: [(String, Int, String)] = [
        ("", 1, "empty file"),
        (#"{"kind":"exchange"}"#, 1, "missing header"),
        ("{\"kind\":\"header\",\"v\":2,\"upstream\":\"http://a\"}\n", 1, "unsupported format version 2"),
        ("{\"kind\":\"header\",\"v\":1,\"upstream\":\"http://a\"}\n{\"kind\":\"exchange\",\"req\":{\"method\":\"GET\",\"target\":\"/\"}}\n", 2, "without \"res\""),
        ("{\"kind\":\"header\",\"v\":1,\"upstream\":\"http://a\"}\n{not json}\n{\"kind\":\"exchange\"}\n", 2, "not JSON"),
        ("{\"kind\":\"header\",\"v\":1,\"upstream\":\"http://a\"}\n{\"kind\":\"exchange\",\"req\":{\"method\":\"GET\",\"target\":\"/\"},\"res\":{\"status\":200,\"bodyRef\":\"abc\"}}\n", 2, "bodyRef abc not found"),
    ]

    @Test(arguments: broken)
    func brokenRecordingsNameTheLine(_ c: (String, Int, String)) {
        do {
            _ = try RecordingCodec.load(Array(c.0.utf8)) { _ in nil }
            Issue.record("expected an error for \(c.2)")
        } catch let e as RecordingError {
            #expect(e.line == c.1)
            #expect(e.message.contains(c.2), "\(e)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func aTruncatedLastLineIsDroppedWithAWarning() throws {
        let header = RecordingHeader(created: "", upstream: origin.httpBase, origins: [origin], relay: "t")
        var text = RecordingCodec.headerLine(header) + codec.exchangeLine(exchange(1, "GET", "/x", response: "{}", kind: .other)).line
        text += Array(#"{"kind":"exchange","req":{"meth"#.utf8)
        let r = try RecordingCodec.load(text) { _ in nil }
        #expect(r.exchanges.count == 1)
        #expect(r.warnings.count == 1)
    }
}

@Suite struct RedactorTests {
    @Test func noCanaryReachesTheLine() throws {
        var e = exchange(1, "POST", "/jmap/", request: #"{"methodCalls":[]}"#,
                         response: #"{"accounts":{"u1":{"name":"canary-name@corp.example"}},"methodResponses":[["Email/get",{"list":[{"bodyValues":{"1":{"value":"canary-body"}}}]},"0"]]}"#)
        e.request.headers = ["Authorization": "Bearer canary-token", "Cookie": "s=canary-cookie", "X-Api-Token": "canary-x"]
        e.response.headers = ["Set-Cookie": "canary-set"]
        var r = Redactor(paths: [try JSONPath("$..bodyValues"), try JSONPath("$.accounts.*.name")], pseudonymize: true)
        let (line, _) = RecordingCodec(sha256Hex: { _ in "" }).exchangeLine(r.redact(e))
        let text = String(decoding: line, as: UTF8.self)
        #expect(!text.contains("canary"))
        #expect(text.contains("***"))
    }

    @Test func pseudonymsAreStableAcrossTheFile() {
        var r = Redactor(pseudonymize: true)
        let a = r.redactBody(Array(#"{"email":"alice@example.com","name":"Alice"}"#.utf8))
        let b = r.redactBody(Array(#"{"to":[{"email":"alice@example.com","name":"Alice"}],"from":"bob@example.com"}"#.utf8))
        let va = try? JSONParser.parse(a!)
        let vb = try? JSONParser.parse(b!)
        #expect(va?["email"] == vb?["to"]?[0]?["email"])
        #expect(va?["name"] == vb?["to"]?[0]?["name"])
        #expect(vb?["from"] != va?["email"])
    }

    @Test(arguments: ["accounts", "$.a[", "$..", "$.a[x]"])
    func badPathsAreRefused(_ p: String) {
        #expect(throws: JSONPathError.self) { _ = try JSONPath(p) }
    }
}
