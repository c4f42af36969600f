import RelayCore
import Testing

/// The pure parts of push replay and webhooks: listener options, the causal schedule, and
/// the PushSubscription callback URLs.
@Suite struct PushReplayCoreTests {
    static let change: JSONValue = ["@type": "StateChange", "changed": ["u1": ["Email": "s2", "Mailbox": "m1"], "u2": ["Email": "x"]]]

    @Test func eventSourceQueryIsRead() {
        let o = PushSubscriptionOptions(eventSourceQuery: "types=Email%2CMailbox&closeafter=state&ping=30")
        #expect(o == PushSubscriptionOptions(types: ["Email", "Mailbox"], closeAfterState: true, pingSeconds: 30))
        #expect(PushSubscriptionOptions(eventSourceQuery: "types=*&closeafter=no&ping=0") == PushSubscriptionOptions())
    }

    @Test func filterKeepsOnlyWantedTypes() {
        let o = PushSubscriptionOptions(types: ["Mailbox"])
        #expect(o.filter(Self.change) == ["@type": "StateChange", "changed": ["u1": ["Mailbox": "m1"]]])
        #expect(PushSubscriptionOptions(types: ["Thread"]).filter(Self.change) == nil)
        #expect(PushSubscriptionOptions(webSocketPushEnable: ["dataTypes": .null]).filter(Self.change) == Self.change)
    }

    @Test func scheduleReleasesPushesAfterTheirCauseAndKeepsThemForTheNextListener() {
        let p = { (seq: Int, after: Int, t: RecordedPush.Transport) in
            RecordedPush(seq: seq, tMs: 0, after: after, transport: t, event: Self.change)
        }
        var s = ReplayPushSchedule(pushes: [p(5, 4, .eventSource), p(2, 0, .eventSource), p(7, 6, .webSocket)])
        #expect(s.take(.eventSource).map(\.seq) == [2])
        #expect(s.take(.eventSource).isEmpty)
        s.served(seq: 6)
        s.served(seq: 4)
        #expect(s.take(.eventSource).map(\.seq) == [5])
        #expect(s.pendingCount == 1)
        #expect(s.take(.webSocket).map(\.seq) == [7])
    }

    @Test func callbackURLsAreFoundHoweverTheMethodNameIsEscaped() {
        for name in [#"PushSubscription\/set"#, #"\u0050ushSubscription/set"#, #"PushSubscriptio\u006e/set"#] {
            let body = Array(#"{"using":[],"methodCalls":[[""#.utf8) + Array(name.utf8)
                + Array(#"",{"create":{"p1":{"url":"https://client.example/h"}}},"0"]]}"#.utf8)
            #expect(PushSubscriptionURLs.created(in: body) == ["https://client.example/h"], "\(name)")
        }
        #expect(PushSubscriptionURLs.created(in: Array(#"{"using":[],"methodCalls":[["Email/get",{"a":"P\\"},"0"]]}"#.utf8)).isEmpty)
    }

    @Test func callbackURLsAreFoundRewrittenAndMatchedLoosely() throws {
        let body = Array(#"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["PushSubscription/set",{"create":{"p1":{"deviceClientId":"d","url":"https://client.example/hook?x=1","types":null}}},"0"]]}"#.utf8)
        #expect(PushSubscriptionURLs.created(in: body) == ["https://client.example/hook?x=1"])
        let rewritten = try #require(PushSubscriptionURLs.rewrite(body) { _ in "http://127.0.0.1:8470/_relay/push/T1" })
        #expect(PushSubscriptionURLs.created(in: rewritten) == ["http://127.0.0.1:8470/_relay/push/T1"])
        #expect(PushSubscriptionURLs.token(inCallbackURL: "http://127.0.0.1:8470/_relay/push/T1") == "T1")
        #expect(PushSubscriptionURLs.token(inCallbackURL: "http://127.0.0.1:8470/other/T1") == nil)
        #expect(JMAPRequestShape(body: body)?.key == JMAPRequestShape(body: rewritten)?.key)
        #expect(PushSubscriptionURLs.rewrite(Array(#"{"using":[],"methodCalls":[["Email/get",{},"0"]]}"#.utf8)) { $0 } == nil)
        let (origin, target) = try #require(PushSubscriptionURLs.originAndTarget("https://client.example/hook?x=1"))
        #expect(origin == Origin(secure: true, host: "client.example"))
        #expect(target == "/hook?x=1")
    }
}

/// The push fault actions in the spec language.
@Suite struct PushFaultSpecTests {
    @Test func pushActionsParseAndFormatBack() throws {
        for spec in [
            "endpoint=eventsource action=drop-event", "endpoint=eventsource action=duplicate-event nth=2",
            "endpoint=eventsource action=delay-event:250", "endpoint=eventsource action=cut-after:3",
        ] {
            let rule = try FaultSpec.parse(spec)
            #expect(rule.action.isEventLevel)
            #expect(try FaultSpec.parse(rule.spec) == rule)
        }
        #expect(throws: (any Error).self) { try FaultSpec.parse("action=cut-after:x") }
        #expect(throws: (any Error).self) { try FaultSpec.parse("endpoint=api action=drop-event") }
        #expect(try FaultSpec.parse("endpoint=websocket action=drop-event").match.endpoint == .webSocket)
    }

    @Test func eventRulesCountEventsNotExchanges() throws {
        var book = FaultBook(rules: [try FaultSpec.parse("endpoint=eventsource action=drop-event nth=2")])
        let stream = FaultContext(method: "GET", path: "/es", kind: .eventSource)
        #expect(book.decide(stream).isEmpty, "an event rule never fires on the exchange")
        #expect(book.decideEvent(stream).isEmpty)
        #expect(book.decideEvent(stream).count == 1)
        #expect(book.decideEvent(FaultContext(method: "GET", path: "/x", kind: .api)).isEmpty)
    }
}

/// Push lines are redacted like exchanges.
@Suite struct PushRedactionTests {
    @Test func headersAndJSONAreRedacted() throws {
        var r = Redactor(paths: [try JSONPath("$.verificationCode")])
        let push = RecordedPush(tMs: 0, transport: .webhook, event: ["@type": "PushVerification", "verificationCode": "secret"],
                                headers: ["Authorization": "Bearer x", "TTL": "60"], token: "t")
        let out = r.redact(push)
        #expect(out.event?["verificationCode"] == "***")
        #expect(out.headers["authorization"] == "***")
        #expect(out.headers["ttl"] == "60")
        let pair = RecordedWebSocketPair(tMs: 0, request: ["@type": "Request", "verificationCode": "a"], response: ["x": 1])
        #expect(r.redact(pair).request["verificationCode"] == "***")
    }
}

/// Callback URLs put back in `PushSubscription/get` answers.
@Suite struct PushCallbackRestoreTests {
    @Test func relayURLsBecomeTheClientsOwn() throws {
        let answer = Array(#"{"methodResponses":[["PushSubscription/get",{"list":[{"id":"a","url":"http://127.0.0.1:8470/_relay/push/T1"},{"id":"b","url":"https://other.example/x"}]},"0"]],"sessionState":"s"}"#.utf8)
        let out = try #require(PushSubscriptionURLs.restore(answer) { $0 == "T1" ? "https://client.example/hook" : nil })
        let v = try JSONParser.parse(out)
        #expect(v["methodResponses"]?[0]?[1]?["list"]?[0]?["url"] == "https://client.example/hook")
        #expect(v["methodResponses"]?[0]?[1]?["list"]?[1]?["url"] == "https://other.example/x")
        #expect(PushSubscriptionURLs.restore(answer) { _ in nil } == nil)
        #expect(PushSubscriptionURLs.mentionsGet(Array(#"[["PushSubscription/get",{},"0"]]"#.utf8)))
        #expect(!PushSubscriptionURLs.mentionsGet(Array("PushSubscription/set".utf8)))
    }
}
