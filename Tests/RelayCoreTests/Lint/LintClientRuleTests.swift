import Testing

@testable import RelayCore

private typealias F = LintFixtures

/// Each client-side rule: a conversation it accepts and one it flags, with exact counts.
@Suite struct LintClientRuleTests {
    @Test func capabilityNotInUsing() {
        let ok = F.api(2, #"["Email/get",{"accountId":"A1"},"0"],["Core/echo",{},"1"],["PushSubscription/get",{},"2"]"#)
        #expect(F.findings("capability-not-in-using", [F.session(1), ok]).isEmpty)
        let bad = F.api(2, #"["Email/get",{"accountId":"A1"},"0"],["Identity/get",{"accountId":"A1"},"1"]"#, using: [F.mail])
        let found = F.findings("capability-not-in-using", [F.session(1), bad])
        #expect(found.map(\.callId) == [nil, "1"])
        #expect(found[1].message.contains("urn:ietf:params:jmap:submission"))
        #expect(found.allSatisfy { $0.level == .error && $0.section == "RFC 8620 §3.3" && $0.seq == 2 })
    }

    @Test func duplicateCallId() {
        #expect(F.findings("duplicate-call-id", [F.api(1, #"["Email/get",{"accountId":"A1"},"a"],["Email/get",{"accountId":"A1"},"b"]"#)]).isEmpty)
        let bad = F.api(1, #"["Email/get",{"accountId":"A1"},"a"],["Mailbox/get",{"accountId":"A1"},"a"],["Thread/get",{"accountId":"A1"},"a"]"#)
        let found = F.findings("duplicate-call-id", [bad])
        #expect(found.count == 1)
        #expect(found.first?.callId == "a")
    }

    @Test func resultReferenceTarget() {
        let ok = F.api(1, ##"""
            ["Email/query",{"accountId":"A1"},"q"],["Email/get",{"accountId":"A1","#ids":{"resultOf":"q","name":"Email/query","path":"/ids"}},"g"],
            ["Email/copy",{"accountId":"A1","fromAccountId":"A1","create":{},"onSuccessDestroyOriginal":true},"c"],
            ["Email/get",{"accountId":"A1","#ids":{"resultOf":"c","name":"Email/set","path":"/destroyed"}},"g2"]
            """##)
        #expect(F.findings("result-reference-target", [ok]).isEmpty)
        let bad = F.api(1, ##"""
            ["Email/get",{"accountId":"A1","#ids":{"resultOf":"q","name":"Email/query","path":"/ids"}},"g"],
            ["Email/query",{"accountId":"A1"},"q"],
            ["Email/get",{"accountId":"A1","#ids":{"resultOf":"q","name":"Mailbox/query","path":"/ids"}},"g2"],
            ["Email/get",{"accountId":"A1","#ids":{"resultOf":"zz","name":"Email/query","path":"/ids"}},"g3"]
            """##)
        let found = F.findings("result-reference-target", [bad])
        #expect(found.map(\.callId) == ["g", "g2", "g3"])
        #expect(found[0].message.contains("comes later"))
        #expect(found[1].message.contains("is Email/query"))
        #expect(found[2].message.contains("not in this request"))
    }

    @Test func resultReferencePath() {
        let ok = F.api(1, ##"""
            ["Email/query",{"accountId":"A1"},"q"],["Email/get",{"accountId":"A1","#ids":{"resultOf":"q","name":"Email/query","path":"/ids"}},"g"],
            ["Thread/get",{"accountId":"A1","#ids":{"resultOf":"g","name":"Email/get","path":"/list/*/threadId"}},"t"],
            ["Foo/bar",{"accountId":"A1","#x":{"resultOf":"t","name":"Thread/get","path":"/list"}},"f"]
            """##)
        #expect(F.findings("result-reference-path", [ok]).isEmpty)
        let bad = F.api(1, ##"""
            ["Email/get",{"accountId":"A1","ids":["M1"]},"g"],["Email/get",{"accountId":"A1","#ids":{"resultOf":"g","name":"Email/get","path":"/ids"}},"g2"],
            ["Email/changes",{"accountId":"A1","sinceState":"x"},"c"],["Email/get",{"accountId":"A1","#ids":{"resultOf":"c","name":"Email/changes","path":"created"}},"g3"]
            """##)
        let found = F.findings("result-reference-path", [bad])
        #expect(found.map(\.callId) == ["g2", "g3"])
        #expect(found[0].message.contains("has no \"ids\""))
        #expect(found[1].message.contains("JSON Pointer"))
    }

    @Test func tooManyCalls() {
        let four = (0..<4).map { #"["Core/echo",{},"\#($0)"]"# }.joined(separator: ",")
        let five = (0..<5).map { #"["Core/echo",{},"\#($0)"]"# }.joined(separator: ",")
        #expect(F.findings("too-many-calls", [F.session(1), F.api(2, four)]).isEmpty)
        #expect(F.findings("too-many-calls", [F.api(1, five)]).isEmpty, "no session seen: no limit known")
        let found = F.findings("too-many-calls", [F.session(1), F.api(2, five)])
        #expect(found.count == 1)
        #expect(found.first?.message.contains("allows 4") == true)
    }

    @Test func tooManyObjects() {
        let ok = F.api(2, #"["Email/get",{"accountId":"A1","ids":["a","b","c"]},"g"],["Email/set",{"accountId":"A1","create":{"k":{}},"update":{"a":{}},"destroy":["b"]},"s"]"#)
        #expect(F.findings("too-many-objects", [F.session(1), ok]).isEmpty)
        let bad = F.api(2, #"["Email/get",{"accountId":"A1","ids":["a","b","c","d"]},"g"],["Email/set",{"accountId":"A1","create":{"k":{}},"update":{"a":{}},"destroy":["b","c"]},"s"]"#)
        let found = F.findings("too-many-objects", [F.session(1), bad])
        #expect(found.map(\.callId) == ["g", "s"])
        #expect(found[0].message.contains("maxObjectsInGet"))
        #expect(found[1].message.contains("maxObjectsInSet"))
    }

    @Test func unknownAccount() {
        #expect(F.findings("unknown-account", [F.session(1), F.api(2, #"["Email/get",{"accountId":"A1"},"0"]"#)]).isEmpty)
        let bad = F.api(2, #"["Email/get",{"accountId":"B9"},"0"],["Email/copy",{"accountId":"A1","fromAccountId":"C3"},"1"]"#)
        let found = F.findings("unknown-account", [F.session(1), bad])
        #expect(found.map(\.callId) == ["0", "1"])
        #expect(found[1].message.contains("fromAccountId \"C3\""))
    }

    @Test func sinceStateNotReceived() {
        let get = F.api(2, #"["Email/get",{"accountId":"A1"},"0"],["Email/query",{"accountId":"A1"},"1"]"#,
                        responses: #"["Email/get",{"accountId":"A1","state":"e1","list":[]},"0"],["Email/query",{"accountId":"A1","queryState":"q1","ids":[]},"1"]"#)
        let changes = F.api(3, #"["Email/changes",{"accountId":"A1","sinceState":"e1"},"0"],["Email/queryChanges",{"accountId":"A1","sinceQueryState":"q1"},"1"]"#)
        #expect(F.findings("since-state-not-received", [F.session(1), get, changes]).isEmpty)
        let madeUp = F.api(3, #"["Email/changes",{"accountId":"A1","sinceState":"q1"},"0"],["Mailbox/changes",{"accountId":"A1","sinceState":"e1"},"1"],["Email/queryChanges",{"accountId":"A1","sinceQueryState":"zz"},"2"]"#)
        let found = F.findings("since-state-not-received", [F.session(1), get, madeUp])
        #expect(found.map(\.callId) == ["0", "1", "2"])
        #expect(found.allSatisfy { $0.level == .info })
    }

    @Test func sinceStateFromAnEventSourcePushCounts() {
        let push = F.plain(2, kind: .eventSource, responseHeaders: ["Content-Type": "text/event-stream"],
                           responseBody: Array("event: state\ndata: {\"@type\":\"StateChange\",\"changed\":{\"A1\":{\"Email\":\"p7\"}}}\n\n".utf8))
        let changes = F.api(3, #"["Email/changes",{"accountId":"A1","sinceState":"p7"},"0"]"#)
        #expect(F.findings("since-state-not-received", [F.session(1), push, changes]).isEmpty)
    }

    @Test func sessionStateIgnored() {
        let changed = F.api(2, #"["Core/echo",{},"0"]"#, sessionState: "s1")
        let refetched = [F.session(1), changed, F.session(3) { $0["state"] = "s1" }, F.api(4, #"["Core/echo",{},"0"]"#, sessionState: "s1")]
        #expect(F.findings("session-state-ignored", refetched).isEmpty)
        let ignored = [F.session(1), changed, F.api(3, #"["Core/echo",{},"0"]"#, sessionState: "s1"),
                       F.api(4, #"["Core/echo",{},"0"]"#, sessionState: "s1")]
        let found = F.findings("session-state-ignored", ignored)
        #expect(found.map(\.seq) == [3], "reported once, on the first request after the change")
        #expect(found.first?.message.contains("#2") == true)
        let inFlight = [F.session(1), F.api(2, #"["Core/echo",{},"0"]"#, sessionState: "s1", tMs: 100, durationMs: 50),
                        F.api(3, #"["Core/echo",{},"0"]"#, sessionState: "s1", tMs: 120), F.api(4, #"["Core/echo",{},"0"]"#, tMs: 160)]
        #expect(F.findings("session-state-ignored", inFlight).map(\.seq) == [4], "#3 was sent before #2's answer arrived")
    }

    @Test func creationIdReused() {
        #expect(F.findings("creation-id-reused", [F.api(1, #"["Mailbox/set",{"accountId":"A1","create":{"m":{}}},"0"],["Email/set",{"accountId":"A1","create":{"e":{}}},"1"]"#)]).isEmpty)
        let bad = F.api(1, #"["Mailbox/set",{"accountId":"A1","create":{"k":{}}},"0"],["Email/set",{"accountId":"A1","create":{"k":{}}},"1"]"#)
        let found = F.findings("creation-id-reused", [bad])
        #expect(found.count == 1)
        #expect(found.first?.callId == "1")
    }

    @Test func creationIdReusedAcrossRequests() {
        let first = F.api(1, #"["Email/set",{"accountId":"A1","create":{"draft1":{}}},"0"]"#)
        #expect(F.findings("creation-id-reused-across-requests", [first, F.api(2, #"["Email/set",{"accountId":"A1","create":{"draft2":{}}},"0"]"#)]).isEmpty)
        let found = F.findings("creation-id-reused-across-requests", [first, F.api(2, #"["Email/set",{"accountId":"A1","create":{"draft1":{}}},"0"]"#)])
        #expect(found.count == 1)
        #expect(found.first?.message.contains("#1") == true)
        #expect(found.first?.level == .info)
    }

    @Test func retryAfter4xx() {
        let call = #"["Email/get",{"accountId":"A1"},"0"]"#
        #expect(F.findings("retry-after-4xx", [F.api(1, call, status: 429), F.api(2, call, tMs: 5000)]).isEmpty)
        #expect(F.findings("retry-after-4xx", [F.api(1, call, status: 400), F.api(2, #"["Email/get",{"accountId":"A1","ids":[]},"0"]"#)]).isEmpty)
        let found = F.findings("retry-after-4xx", [F.api(1, call, status: 400), F.api(2, call, status: 400), F.api(3, call)])
        #expect(found.map(\.seq) == [2, 3])
        #expect(found.first?.message.contains("400 in #1") == true)
    }

    @Test func retryWithoutBackoff() {
        let call = #"["Email/get",{"accountId":"A1"},"0"]"#
        let slow = F.api(1, call, status: 503, tMs: 0, responseHeaders: ["Retry-After": "2"])
        #expect(F.findings("retry-without-backoff", [slow, F.api(2, call, tMs: 2001)]).isEmpty)
        let found = F.findings("retry-without-backoff", [slow, F.api(2, call, tMs: 500)])
        #expect(found.count == 1)
        #expect(found.first?.message.contains("1501 ms too early") == true)
        let noHeader = F.findings("retry-without-backoff", [F.api(1, call, status: 429, tMs: 0), F.api(2, call, tMs: 10)])
        #expect(noHeader.count == 1)
        #expect(noHeader.first?.message.contains("no Retry-After") == true)
        let inFlight = [F.api(1, call, status: 503, tMs: 0, durationMs: 100), F.api(2, call, tMs: 50), F.api(3, call, tMs: 150)]
        #expect(F.findings("retry-without-backoff", inFlight).map(\.seq) == [3], "#2 was sent before the 503 arrived")
    }

    @Test func patchPathOverlap() {
        let ok = F.api(1, #"["Email/set",{"accountId":"A1","update":{"M1":{"keywords/$seen":true,"keywords/$flagged":null},"M2":{"keywords":{"$seen":true}}}},"0"]"#)
        #expect(F.findings("patch-path-overlap", [ok]).isEmpty)
        let bad = F.api(1, #"["Email/set",{"accountId":"A1","update":{"M1":{"keywords":{},"keywords/$seen":true},"M2":{"mailboxIds/x":true}}},"0"]"#)
        let found = F.findings("patch-path-overlap", [bad])
        #expect(found.count == 1)
        #expect(found.first?.message.contains("\"keywords\" and \"keywords/$seen\"") == true)
    }
}
