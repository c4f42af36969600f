import RelayCore
import Testing

@Suite struct FaultBookTests {
    static let api = FaultContext(method: "POST", path: "/jmap/api/", kind: .api, calls: [
        .init(name: "Email/get", callId: "a", accountId: "u1"), .init(name: "Email/set", callId: "b", accountId: "u2"),
    ])

    func fires(_ spec: String, times: Int, context: FaultContext = api, seed: UInt64 = 0) throws -> [Bool] {
        var book = FaultBook(seed: seed, rules: [try FaultSpec.parse(spec)])
        return (0..<times).map { _ in !book.decide(context).isEmpty }
    }

    @Test func schedulesCountMatches() throws {
        #expect(try fires("action=reset nth=3", times: 5) == [false, false, true, false, false])
        #expect(try fires("action=reset first=2", times: 4) == [true, true, false, false])
        #expect(try fires("action=reset every=2", times: 4) == [false, true, false, true])
        #expect(try fires("action=reset limit=1", times: 3) == [true, false, false])
        #expect(try fires("action=reset", times: 2) == [true, true])
    }

    @Test func onlyMatchingExchangesCount() throws {
        var book = FaultBook(rules: [try FaultSpec.parse("call=Email/set action=method-error:serverFail nth=2")])
        let other = FaultContext(method: "POST", path: "/jmap/api/", kind: .api, calls: [.init(name: "Mailbox/get", callId: "0")])
        let results = [book.decide(other), book.decide(Self.api), book.decide(other)]
        #expect(results.allSatisfy { $0.isEmpty })
        let fired = book.decide(Self.api)
        #expect(fired.map(\.calls) == [[1]])
        #expect(book.entries[0].matched == 2)
        #expect(book.entries[0].fired == 1)
    }

    @Test func matchesAccountAndEndpoint() throws {
        var book = FaultBook(rules: [try FaultSpec.parse("account=u2 action=method-error:accountNotFound")])
        let accountFired = book.decide(Self.api)
        #expect(accountFired.first?.calls == [1])
        var downloads = FaultBook(rules: [try FaultSpec.parse("endpoint=download action=status:404")])
        let onAPI = downloads.decide(Self.api)
        let onDownload = downloads.decide(FaultContext(method: "GET", path: "/d/1", kind: .download))
        #expect(onAPI.isEmpty && !onDownload.isEmpty)
    }

    @Test func probabilityIsReproducibleForASeed() throws {
        let a = try fires("action=reset probability=0.3", times: 400, seed: 42)
        let b = try fires("action=reset probability=0.3", times: 400, seed: 42)
        let c = try fires("action=reset probability=0.3", times: 400, seed: 7)
        #expect(a == b)
        #expect(a != c)
        let rate = Double(a.filter { $0 }.count) / 400
        #expect(rate > 0.2 && rate < 0.4, "rate \(rate)")
    }

    @Test func idsAreStableAndRulesCanBeRemoved() throws {
        var book = FaultBook()
        let r1 = book.add(try FaultSpec.parse("action=reset"))
        let r2 = book.add(try FaultSpec.parse("action=hang"))
        #expect([r1.id, r2.id] == ["r1", "r2"])
        let removed = book.remove(id: "r1")
        let again = book.remove(id: "r1")
        #expect(removed && !again)
        let r3 = book.add(try FaultSpec.parse("action=reset"))
        #expect(r3.id == "r3")
        let fired = book.decide(Self.api)
        #expect(fired.map(\.rule.id) == ["r2", "r3"])
    }

    @Test func standingRulesShapeTheSession() throws {
        var book = FaultBook(rules: [
            try FaultSpec.parse("action=drop-capability:urn:ietf:params:jmap:mail"),
            try FaultSpec.parse("action=limit:maxCallsInRequest=2"),
            try FaultSpec.parse("action=bump-session-state nth=1"),
        ])
        #expect(book.sessionFaults.stateSuffix == nil)
        _ = book.decide(Self.api)
        let s = book.sessionFaults
        #expect(s.stateSuffix == "-relay1")
        let session: JSONValue = [
            "state": "7",
            "capabilities": ["urn:ietf:params:jmap:core": ["maxCallsInRequest": 16, "maxObjectsInGet": 500], "urn:ietf:params:jmap:mail": [:]],
            "accounts": ["u1": ["accountCapabilities": ["urn:ietf:params:jmap:mail": [:]]]],
            "primaryAccounts": ["urn:ietf:params:jmap:mail": "u1"],
        ]
        let out = s.apply(to: session)
        #expect(out["state"] == "7-relay1")
        #expect(out["capabilities"]?["urn:ietf:params:jmap:mail"] == nil)
        #expect(out["capabilities"]?["urn:ietf:params:jmap:core"]?["maxCallsInRequest"] == 2)
        #expect(out["capabilities"]?["urn:ietf:params:jmap:core"]?["maxObjectsInGet"] == 500)
        #expect(out["accounts"]?["u1"]?["accountCapabilities"]?["urn:ietf:params:jmap:mail"] == nil)
        #expect(out["primaryAccounts"]?["urn:ietf:params:jmap:mail"] == nil)
    }
}
