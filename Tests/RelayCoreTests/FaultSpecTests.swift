import RelayCore
import Testing

@Suite struct FaultSpecTests {
    @Test func readsTheIssueExamples() throws {
        let a = try FaultSpec.parse("call=Email/set action=method-error:serverFail nth=1")
        #expect(a.match.call == Glob("Email/set"))
        #expect(a.action == .methodError(type: "serverFail", phase: .before))
        #expect(a.schedule.nth == 1)
        let b = try FaultSpec.parse("path=/jmap/api action=status:503 retry-after=2 first=2")
        #expect(b.action == .status(503, retryAfter: 2))
        #expect(b.schedule.first == 2)
        let c = try FaultSpec.parse("endpoint=api action=set-error:overQuota op=update index=0 probability=0.25 limit=3")
        #expect(c.action == .setError(type: "overQuota", operation: .update, target: nil, index: 0))
        #expect(c.schedule.probability == 0.25)
        #expect(c.schedule.limit == 3)
        #expect(try FaultSpec.parse("action=limit:maxCallsInRequest=1").action == .limit(name: "maxCallsInRequest", value: 1))
        #expect(try FaultSpec.parse("action=delay:2s phase=response").action == .delay(ms: 2000, phase: .response))
    }

    @Test func formatsBackToTheSameRule() throws {
        for spec in [
            "call=Email/set action=method-error:serverFail phase=after nth=1",
            "method=POST path=/jmap/* action=status:429 retry-after=3 every=2",
            "endpoint=download action=truncate:10",
            "call=Email/set action=set-error:overQuota op=destroy target=M1 limit=1",
            "action=request-error:limit target=maxSizeRequest",
            "action=drop-capability:urn:ietf:params:jmap:mail",
            "account=u1 action=bump-session-state first=1",
        ] {
            let r = try FaultSpec.parse(spec)
            #expect(r.spec == spec)
            #expect(try FaultSpec.parse(r.spec) == r)
        }
    }

    @Test func readsTheJSONForm() throws {
        let v = try JSONParser.parse(Array(#"{"call":"Email/*","action":"method-error:stateMismatch","first":2}"#.utf8))
        let r = try FaultSpec.parse(json: v)
        #expect(r.spec == "call=Email/* action=method-error:stateMismatch first=2")
        let s = try FaultSpec.parse(json: ["spec": "action=reset"])
        #expect(s.action == .reset)
    }

    @Test(arguments: [
        ("call=Email/set", "no action"),
        ("action=explode", "unknown action 'explode'"),
        ("action=status:99", "HTTP status 100–599"),
        ("action=status", "needs :STATUS"),
        ("colour=red action=reset", "unknown key 'colour'"),
        ("action=reset nth=0", "nth must be a whole number ≥ 1"),
        ("action=reset probability=2", "probability must be between 0 and 1"),
        ("action=request-error:teapot", "request-error is one of"),
        ("action=limit:maxWidgets=3", "action=limit takes NAME=VALUE"),
        ("endpoint=download action=method-error:serverFail", "works on JMAP API requests"),
        ("action=reset action=hang", "given twice"),
        ("reset", "is not key=value"),
    ])
    func refusesBadSpecsWithTheReason(spec: String, reason: String) {
        do {
            _ = try FaultSpec.parse(spec)
            Issue.record("'\(spec)' was accepted")
        } catch {
            #expect("\(error)".contains(reason), "\(error)")
        }
    }

    @Test func globsMatchMethodNamesAndPaths() {
        #expect(Glob("Email/*").matches("Email/get"))
        #expect(!Glob("Email/*").matches("Mailbox/get"))
        #expect(Glob("*/set").matches("EmailSubmission/set"))
        #expect(Glob("/jmap/api*").matches("/jmap/api/"))
        #expect(Glob("Email/?et").matches("Email/get"))
        #expect(!Glob("Email/get").matches("Email/gets"))
        #expect(Glob("*").matches(""))
    }
}

/// The actions table help is generated from describes the parser's actions, no more, no less.
@Suite struct FaultActionTableTests {
    @Test(arguments: FaultSpec.actions.map(\.name))
    func everyDescribedActionParsesItsExample(_ name: String) throws {
        let a = try #require(FaultSpec.actions.first { $0.name == name })
        let rule = try FaultSpec.parse(a.example)
        #expect(rule.action.name == a.name)
        #expect(rule.action.isEventLevel == a.isPush)
        #expect(a.syntax.hasPrefix(a.name))
    }

    @Test func anUnknownActionListsEveryDescribedOne() {
        #expect(throws: FaultSpec.SpecError("unknown action 'explode'; actions are \(FaultSpec.actionNames.joined(separator: ", "))")) {
            try FaultSpec.parse("action=explode")
        }
        #expect(Set(FaultSpec.actionNames).count == FaultSpec.actions.count)
    }
}
