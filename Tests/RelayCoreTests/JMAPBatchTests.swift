import RelayCore
import Testing

@Suite struct JMAPBatchTests {
    static let request: JSONValue = [
        "using": ["urn:ietf:params:jmap:core", "urn:ietf:params:jmap:mail"],
        "methodCalls": [
            ["Email/query", ["accountId": "u1"], "q"],
            ["Email/get", ["accountId": "u1", "#ids": ["resultOf": "q", "name": "Email/query", "path": "/ids"]], "g"],
            ["Thread/get", ["accountId": "u1", "#ids": ["resultOf": "g", "name": "Email/get", "path": "/list/*/threadId"]], "t"],
            ["Mailbox/get", ["accountId": "u1"], "m"],
        ],
    ]

    @Test func dependentsFollowResultReferencesTransitively() throws {
        let b = try #require(JMAPBatch(Self.request))
        #expect(b.dependents(of: [0]) == [1, 2])
        #expect(b.dependents(of: [1]) == [2])
        #expect(b.dependents(of: [3]) == [])
    }

    @Test func mergePutsErrorsInPlaceAndKeepsImplicitResponses() throws {
        let b = try #require(JMAPBatch(Self.request))
        let upstream: [JSONValue] = [["Mailbox/get", ["list": []], "m"], ["Mailbox/set", ["updated": nil], "m"]]
        let merged = b.mergedResponses(upstream: upstream, errors: [
            0: ("serverFail", nil), 1: ("invalidResultReference", nil), 2: ("invalidResultReference", "x"),
        ])
        #expect(merged.map { $0[0]?.stringValue } == ["error", "error", "error", "Mailbox/get", "Mailbox/set"])
        #expect(merged.map { $0[2]?.stringValue } == ["q", "g", "t", "m", "m"])
        #expect(merged[0][1]?["type"] == "serverFail")
        #expect(merged[2][1]?["description"] == "x")
    }

    @Test func requestKeepingDropsCalls() throws {
        let b = try #require(JMAPBatch(Self.request))
        let kept = b.requestKeeping([3])
        #expect(kept["methodCalls"]?.arrayValue?.count == 1)
        #expect(kept["using"] == Self.request["using"])
        #expect(JMAPBatch(["methodCalls": [["x", "notAnObject", "0"]]]) == nil)
    }

    @Test func setErrorsMoveChosenRecordsAndKeepTheRest() throws {
        let args: JSONObject = try #require(JSONValue.object([
            "create": ["k1": ["subject": "a"], "k2": ["subject": "b"]], "destroy": ["M1", "M2"],
        ]).objectValue)
        #expect(SetErrorInjection.pick(args, operation: .create, target: nil, index: 1) == ["k2"])
        #expect(SetErrorInjection.pick(args, operation: .create, target: "k1", index: nil) == ["k1"])
        #expect(SetErrorInjection.pick(args, operation: .destroy, target: nil, index: nil) == ["M1", "M2"])
        #expect(SetErrorInjection.pick(args, operation: .create, target: "nope", index: nil) == [])
        let stripped = SetErrorInjection.strip(args, operation: .create, ids: ["k2"])
        #expect(stripped["create"]?.objectValue?.keys == ["k1"])

        let response: JSONObject = try #require(JSONValue.object([
            "newState": "2", "created": ["k1": ["id": "E1"]], "destroyed": ["M1", "M2"],
        ]).objectValue)
        let created = SetErrorInjection.apply(response, operation: .create, ids: ["k2"], type: "overQuota", description: nil)
        #expect(created["created"]?["k1"]?["id"] == "E1")
        #expect(created["notCreated"]?["k2"]?["type"] == "overQuota")
        let destroyed = SetErrorInjection.apply(response, operation: .destroy, ids: ["M1", "M2"], type: "forbidden", description: "no")
        #expect(destroyed["destroyed"] == .null)
        #expect(destroyed["notDestroyed"]?["M2"]?["description"] == "no")
    }

    @Test func limitsRefuseTheWayAStrictServerWould() throws {
        let b = try #require(JMAPBatch(Self.request))
        #expect(LimitCheck.check(b, size: 100, limits: ["maxCallsInRequest": 3]) == .requestLimit(
            "maxCallsInRequest", detail: "The request has 4 method calls; the limit is 3."))
        #expect(LimitCheck.check(b, size: 100, limits: ["maxSizeRequest": 99]) != .pass)
        #expect(LimitCheck.check(b, size: 100, limits: ["maxCallsInRequest": 4]) == .pass)
        let get = try #require(JMAPBatch(["methodCalls": [["Email/get", ["ids": ["a", "b", "c"]], "0"]]]))
        guard case .callsTooLarge(let calls) = LimitCheck.check(get, size: 10, limits: ["maxObjectsInGet": 2]) else {
            Issue.record("three ids passed maxObjectsInGet=2")
            return
        }
        #expect(calls.keys.sorted() == [0])
        let problem = LimitCheck.problem(limit: "maxCallsInRequest", detail: "d")
        #expect(problem.json["type"] == "urn:ietf:params:jmap:error:limit")
        #expect(problem.json["limit"] == "maxCallsInRequest")
    }
}
