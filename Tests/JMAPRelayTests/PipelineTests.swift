@testable import JMAPRelay
import RelayCore
import Testing

/// The exchange's decisions without a socket, a thread or a clock: `prepare` says answer or
/// forward (and after which delay), `complete` turns the upstream's answer into the client's.
@Suite struct PipelineTests {
    static let primary = Origin(secure: false, host: "up.example", port: 8080)
    static let relayBase = Origin(secure: false, host: "127.0.0.1", port: 8470)
    static let session = #"""
        {"capabilities":{"urn:ietf:params:jmap:core":{},"urn:ietf:params:jmap:mail":{}},"accounts":{"u1":{"name":"a"}},
         "primaryAccounts":{"urn:ietf:params:jmap:mail":"u1"},"username":"a","state":"s1",
         "apiUrl":"http://up.example:8080/jmap/api/",
         "downloadUrl":"http://up.example:8080/jmap/download/{accountId}/{blobId}/{name}?type={type}",
         "uploadUrl":"http://up.example:8080/jmap/upload/{accountId}/",
         "eventSourceUrl":"http://up.example:8080/jmap/eventsource/?types={types}&closeafter={closeafter}&ping={ping}"}
        """#

    static func pipeline(faults: [String] = [], clock: Locked<UInt64> = Locked(0)) throws -> Pipeline {
        var c = RelayConfiguration(upstream: "http://up.example:8080/jmap/session", listenPort: 8470)
        c.trace = .off
        c.traceSink = { _ in }
        let controller = FaultController(rules: try faults.map { try FaultSpec.parse($0) }, seed: 1, strictLimits: false)
        return Pipeline(config: c, upstream: LiveUpstream(), primary: primary, sessionPath: "/jmap/session", relayBase: relayBase,
                        observers: ExchangeObservers(config: c), faults: controller, clock: { clock.withLock { $0 } })
    }

    static func request(_ method: String, _ target: String, body: String = "", at: UInt64 = 0) -> IncomingRequest {
        IncomingRequest(head: HTTPRequestHead(method: method, target: target, headers: ["Host": "127.0.0.1:8470"]),
                        body: BufferedBody(body), fromLoopback: true, arrivalNanos: at)
    }

    static func response(_ reply: RelayReply) -> RelayResponse? {
        if case .response(let r) = reply { return r }
        return nil
    }

    static func json(_ r: RelayResponse?) -> JSONValue? { (r?.body as? BufferedBody).flatMap { try? JSONParser.parse($0.contents) } }

    static func answer(_ json: String) -> UpstreamResponse {
        UpstreamResponse(head: HTTPResponseHead(status: 200, headers: ["Content-Type": "application/json"]), body: BufferedBody(json))
    }

    /// Fetches the session through `p`, so that it knows the API endpoint.
    @discardableResult
    static func learnSession(_ p: Pipeline) throws -> RelayResponse? {
        guard case .forward(let f) = p.prepare(request("GET", "/jmap/session")) else {
            Issue.record("the session request was not forwarded")
            return nil
        }
        #expect(f.request.origin == primary)
        #expect(f.request.head.target == "/jmap/session")
        return response(p.complete(f, .success(answer(session))))
    }

    @Test(arguments: ["http://evil.example/", "/_origin/9/x", "/_origin/x", "*"])
    func refusesTargetsNobodyNamed(_ target: String) throws {
        let p = try Self.pipeline()
        guard case .reply(let reply, _) = p.prepare(Self.request("GET", target)) else {
            Issue.record("\(target) was forwarded")
            return
        }
        #expect(Self.response(reply)?.head.status == 403)
    }

    @Test func rewritesTheSessionToPointAtTheRelay() throws {
        let p = try Self.pipeline()
        let s = Self.json(try Self.learnSession(p))
        #expect(s?["apiUrl"] == "http://127.0.0.1:8470/jmap/api/")
        #expect(s?["uploadUrl"] == "http://127.0.0.1:8470/jmap/upload/{accountId}/")
        guard case .forward(let f) = p.prepare(Self.request("POST", "/jmap/api/", body: "{}")) else {
            Issue.record("the API request was not forwarded")
            return
        }
        #expect(f.draft.kind == .api)
    }

    @Test func aMethodFaultSplitsTheBatch() throws {
        let p = try Self.pipeline(faults: ["call=Email/set action=method-error:serverFail"])
        try Self.learnSession(p)
        let batch = #"{"using":["urn:ietf:params:jmap:mail"],"methodCalls":[["Mailbox/get",{"accountId":"u1"},"c0"],"#
            + #"["Email/set",{"accountId":"u1","destroy":["m1"]},"c1"],["Email/get",{"accountId":"u1","ids":["m2"]},"c2"]]}"#
        guard case .forward(let f) = p.prepare(Self.request("POST", "/jmap/api/", body: batch)) else {
            Issue.record("the API request was not forwarded")
            return
        }
        let sent = try JSONParser.parse(try #require(f.request.body.unreadContents))
        #expect(sent["methodCalls"]?.arrayValue?.map { $0[0] } == ["Mailbox/get", "Email/get"])
        let upstream = #"{"methodResponses":[["Mailbox/get",{"list":[]},"c0"],["Email/get",{"list":[]},"c2"]],"sessionState":"s1"}"#
        let out = Self.json(Self.response(p.complete(f, .success(Self.answer(upstream)))))
        #expect(out?["methodResponses"]?.arrayValue?.map { $0[0] } == ["Mailbox/get", "error", "Email/get"])
        #expect(out?["methodResponses"]?[1]?[1]?["type"] == "serverFail")
        #expect(out?["methodResponses"]?[1]?[2] == "c1")
    }

    @Test func delaysAreTimersThatFireWhenTheClockSays() throws {
        let p = try Self.pipeline(faults: ["endpoint=api action=delay:150", "endpoint=api action=delay:200 phase=response"])
        try Self.learnSession(p)
        guard case .forward(let f) = p.prepare(Self.request("POST", "/jmap/api/", body: "{}")) else {
            Issue.record("the API request was not forwarded")
            return
        }
        #expect(f.faultPlan.requestDelayMs == 150)
        // The loop schedules the forward on its deadline queue: a manual clock drives it here.
        var timers = DeadlineQueue<ForwardPlan>()
        let t0: UInt64 = 1_000_000_000
        timers.schedule(at: t0 + UInt64(f.faultPlan.requestDelayMs) * 1_000_000, f)
        #expect(timers.popDue(now: t0 + 149_999_999).isEmpty)
        #expect(timers.popDue(now: t0 + 150_000_000).first === f)
        let r = Self.response(p.complete(f, .success(Self.answer(#"{"methodResponses":[],"sessionState":"s1"}"#))))
        #expect(r?.delayMs == 200)
    }

    @Test func anExchangeLastsWhatTheClockSays() throws {
        let clock = Locked<UInt64>(1_000_000_000)
        let p = try Self.pipeline(clock: clock)
        guard case .forward(let f) = p.prepare(Self.request("GET", "/jmap/session", at: 1_000_000_000)) else {
            Issue.record("the session request was not forwarded")
            return
        }
        clock.withLock { $0 += 150_000_000 }
        let r = try #require(Self.response(p.complete(f, .success(Self.answer(Self.session)))))
        r.completion?(ResponseCompletion(bytesSent: 10, error: nil))
        let e = try #require(p.observers.recent(since: 0).last)
        #expect(e.durationMs == 150)
        #expect(e.startMs == 0)
    }

    @Test func aHangOrAResetIsAnAnswerWithoutBytes() throws {
        for (spec, expected) in [("endpoint=api action=hang", "hang"), ("endpoint=api action=reset", "reset")] {
            let p = try Self.pipeline(faults: [spec])
            try Self.learnSession(p)
            guard case .reply(let reply, let delay) = p.prepare(Self.request("POST", "/jmap/api/", body: "{}")) else {
                Issue.record("\(spec): forwarded")
                continue
            }
            #expect(delay == 0)
            switch reply {
            case .hang: #expect(expected == "hang")
            case .reset: #expect(expected == "reset")
            case .response: Issue.record("\(spec): answered")
            }
        }
    }
}
