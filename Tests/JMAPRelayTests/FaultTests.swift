import Dispatch
import Foundation
import JMAPRelay
import RelayTestSupport
import Testing

/// Every fault action against the in-process fake upstream.
@Suite struct FaultTests {
    /// A fake JMAP server that remembers the method calls it was sent.
    final class Upstream: Sendable {
        let server: FakeUpstream
        private let seen = Seen()

        final class Seen: Sendable {
            let calls = Locked<[[String]]>([])
            let arguments = Locked<[JSONValue]>([])
        }

        init(session: JSONValue? = nil) throws {
            let seen = self.seen
            server = try FakeUpstream.jmap(session: session) { method, args, callId in
                seen.calls.withLock { $0.append([method, callId]) }
                seen.arguments.withLock { $0.append(args) }
                if method.hasSuffix("/set") {
                    let created = JSONObject((args["create"]?.objectValue?.keys ?? []).map { ($0, ["id": .string("id-" + $0)]) })
                    return ["accountId": "u1", "oldState": "1", "newState": "2", "created": .object(created)]
                }
                return FakeUpstream.echo(method, args, callId)
            }
        }
        var calls: [[String]] { seen.calls.withLock { $0 } }
        var arguments: [JSONValue] { seen.arguments.withLock { $0 } }
        var url: String { server.baseURL }
        func stop() { server.stop() }
    }

    static func api(_ calls: String, using: String = #""urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail""#) -> [UInt8] {
        Array(#"{"using":[\#(using)],"methodCalls":[\#(calls)]}"#.utf8)
    }

    static let json: HTTPHeaders = ["Content-Type": "application/json"]

    /// A relay with `faults` in front of a fresh upstream, its session already fetched.
    func withRelay(_ faults: [String], strict: Bool = false, session: JSONValue? = nil,
                   _ body: (RelayHarness, RawHTTPClient, Upstream) throws -> Void) throws {
        let up = try Upstream(session: session)
        defer { up.stop() }
        let rules = try faults.map(FaultSpec.parse)
        let h = try RelayHarness(upstream: up.url) {
            $0.faults = rules
            $0.strictLimits = strict
        }
        defer { h.stop() }
        let c = try h.client()
        _ = try c.request("GET", "/jmap/session")
        try body(h, c, up)
    }

    @Test func statusWithRetryAfterNeverReachesTheUpstream() throws {
        try withRelay(["path=/jmap/api* action=status:503 retry-after=2 first=1"]) { h, c, up in
            let r1 = try c.request("POST", "/jmap/api/", headers: Self.json, body: Self.api(#"["Core/echo",{},"0"]"#))
            #expect(r1.head.status == 503)
            #expect(r1.head.headers["retry-after"] == "2")
            #expect(r1.head.headers["content-type"] == "application/problem+json")
            #expect(up.calls.isEmpty)
            let r2 = try c.request("POST", "/jmap/api/", headers: Self.json, body: Self.api(#"["Core/echo",{},"0"]"#))
            #expect(r2.head.status == 200)
            #expect(up.calls.count == 1)
            h.waitForExchanges(3)
            #expect(h.traceLines.contains { $0.contains(" 503 ") && $0.contains("[fault: r1 status:503]") })
        }
    }

    @Test func delaysTheRequestAndTheAnswer() throws {
        try withRelay(["endpoint=api action=delay:150", "endpoint=api action=delay:150 phase=response"]) { _, c, _ in
            let start = Date()
            let r = try c.request("POST", "/jmap/api/", headers: Self.json, body: Self.api(#"["Core/echo",{},"0"]"#))
            #expect(r.head.status == 200)
            #expect(Date().timeIntervalSince(start) >= 0.3)
        }
    }

    @Test func resetClosesWithoutAnAnswer() throws {
        try withRelay(["endpoint=api action=reset"]) { _, c, up in
            #expect(throws: (any Error).self) {
                _ = try c.request("POST", "/jmap/api/", headers: Self.json, body: Self.api(#"["Core/echo",{},"0"]"#))
            }
            #expect(up.calls.isEmpty)
        }
    }

    @Test func hangAnswersNothing() throws {
        try withRelay(["endpoint=api action=hang"]) { h, _, _ in
            let c = try RawHTTPClient(port: h.port, readTimeout: .milliseconds(300))
            do {
                _ = try c.request("POST", "/jmap/api/", headers: Self.json, body: Self.api(#"["Core/echo",{},"0"]"#))
                Issue.record("a hung exchange answered")
            } catch is RawHTTPClient.ClosedBeforeResponse {
                Issue.record("the relay closed instead of hanging")
            } catch {}
            c.close()
        }
    }

    @Test func truncateCutsTheBodyAndTheConnection() throws {
        try withRelay(["endpoint=download action=truncate:5"]) { _, c, _ in
            #expect(throws: (any Error).self) { _ = try c.request("GET", "/jmap/download/u1/B1/x.txt") }
        }
    }

    @Test func bandwidthSlowsTheDownload() throws {
        try withRelay(["endpoint=download action=bandwidth:100"]) { _, c, _ in
            let start = Date()
            let r = try c.request("GET", "/jmap/download/u1/Blob-with-a-long-name-0123456789/x.txt")
            #expect(r.head.status == 200)
            #expect(r.body.count > 40)
            // ≥ 40 bytes at 100 bytes per second take ≥ 0.4 s (minus the first slice).
            #expect(Date().timeIntervalSince(start) >= 0.3)
        }
    }

    @Test(arguments: ["notJSON", "notRequest", "unknownCapability"])
    func requestLevelErrors(type: String) throws {
        try withRelay(["endpoint=api action=request-error:\(type)"]) { _, c, up in
            let r = try c.request("POST", "/jmap/api/", headers: Self.json, body: Self.api(#"["Core/echo",{},"0"]"#))
            #expect(r.head.status == 400)
            #expect(r.json?["type"] == .string("urn:ietf:params:jmap:error:\(type)"))
            #expect(up.calls.isEmpty)
        }
    }

    @Test func requestLevelLimitNamesTheLimit() throws {
        try withRelay(["endpoint=api action=request-error:limit target=maxObjectsInSet"]) { _, c, _ in
            let r = try c.request("POST", "/jmap/api/", headers: Self.json, body: Self.api(#"["Core/echo",{},"0"]"#))
            #expect(r.json?["type"] == "urn:ietf:params:jmap:error:limit")
            #expect(r.json?["limit"] == "maxObjectsInSet")
        }
    }

    static let querySetGet = #"""
        ["Email/query",{"accountId":"u1"},"q"],["Email/set",{"accountId":"u1","create":{"k1":{}}},"s"],
        ["Email/get",{"accountId":"u1","#ids":{"resultOf":"s","name":"Email/set","path":"/created/k1/id"}},"g"]
        """#

    @Test func methodErrorBeforeSplitsTheBatch() throws {
        try withRelay(["call=Email/set action=method-error:serverFail nth=1"]) { h, c, up in
            let r = try c.request("POST", "/jmap/api/", headers: Self.json, body: Self.api(Self.querySetGet))
            let responses = try #require(r.json?["methodResponses"]?.arrayValue)
            #expect(responses.map { $0[0]?.stringValue } == ["Email/query", "error", "error"])
            #expect(responses[1][1]?["type"] == "serverFail")
            #expect(responses[2][1]?["type"] == "invalidResultReference")
            #expect(responses.map { $0[2]?.stringValue } == ["q", "s", "g"])
            // The server never saw the failed call nor the call that refers to it.
            #expect(up.calls == [["Email/query", "q"]])
            h.waitForExchanges(2)
            #expect(h.traceLines.contains { $0.contains("error:serverFail(Email/set)") && $0.contains("[fault: r1 method-error:serverFail]") })
        }
    }

    @Test func methodErrorAfterLetsTheServerRunTheCall() throws {
        try withRelay(["call=Email/set action=method-error:serverFail phase=after"]) { _, c, up in
            let r = try c.request("POST", "/jmap/api/", headers: Self.json, body: Self.api(Self.querySetGet))
            let responses = try #require(r.json?["methodResponses"]?.arrayValue)
            #expect(responses.map { $0[0]?.stringValue } == ["Email/query", "error", "Email/get"])
            #expect(up.calls.map { $0[0] } == ["Email/query", "Email/set", "Email/get"])
        }
    }

    @Test func everyCallFailingIsAnsweredWithoutTheUpstream() throws {
        try withRelay(["call=* action=method-error:accountNotFound"]) { h, c, up in
            let r = try c.request("POST", "/jmap/api/", headers: Self.json, body: Self.api(#"["Mailbox/get",{"accountId":"x"},"0"]"#))
            #expect(r.json?["methodResponses"]?[0]?[1]?["type"] == "accountNotFound")
            #expect(r.json?["sessionState"] == "0")
            #expect(up.calls.isEmpty)
            // The trace and the inspector see the answer the client got.
            let exchanges = h.relay.waitForExchanges(2)
            #expect(exchanges.last?.responseBody.flatMap { try? JSONParser.parse($0) }?["methodResponses"]?[0]?[0] == "error")
            #expect(h.traceLines.contains { $0.contains("error:accountNotFound(Mailbox/get)") })
        }
    }

    @Test func setErrorKeepsTheOtherRecords() throws {
        try withRelay(["call=Email/set action=set-error:overQuota target=k2"]) { _, c, up in
            let r = try c.request("POST", "/jmap/api/", headers: Self.json,
                                  body: Self.api(#"["Email/set",{"accountId":"u1","create":{"k1":{},"k2":{}}},"0"]"#))
            let args = try #require(r.json?["methodResponses"]?[0]?[1])
            #expect(args["created"]?["k1"]?["id"] == "id-k1")
            #expect(args["created"]?["k2"] == nil)
            #expect(args["notCreated"]?["k2"]?["type"] == "overQuota")
            #expect(args["newState"] == "2")
            // The server was asked to create k1 only.
            #expect(up.arguments.first?["create"]?.objectValue?.keys == ["k1"])
        }
    }

    @Test func bumpedSessionStateShowsInAnswersAndTheSession() throws {
        try withRelay(["call=Mailbox/get action=bump-session-state nth=1"]) { _, c, _ in
            let r = try c.request("POST", "/jmap/api/", headers: Self.json, body: Self.api(#"["Mailbox/get",{"accountId":"u1"},"0"]"#))
            let state = try #require(r.json?["sessionState"]?.stringValue)
            #expect(state == "s1-relay1")
            let s = try c.request("GET", "/jmap/session")
            #expect(s.json?["state"] == "0-relay1")
        }
    }

    @Test func droppedCapabilityLeavesTheSessionAndIsRefused() throws {
        try withRelay(["action=drop-capability:urn:ietf:params:jmap:mail"]) { _, c, up in
            let s = try c.request("GET", "/jmap/session")
            #expect(s.json?["capabilities"]?["urn:ietf:params:jmap:mail"] == nil)
            #expect(s.json?["primaryAccounts"]?["urn:ietf:params:jmap:mail"] == nil)
            let r = try c.request("POST", "/jmap/api/", headers: Self.json, body: Self.api(#"["Mailbox/get",{"accountId":"u1"},"0"]"#))
            #expect(r.head.status == 400)
            #expect(r.json?["type"] == "urn:ietf:params:jmap:error:unknownCapability")
            #expect(up.calls.isEmpty)
        }
    }

    @Test func loweredLimitIsAdvertisedAndEnforced() throws {
        try withRelay(["action=limit:maxCallsInRequest=1", "action=limit:maxSizeUpload=10"]) { h, c, up in
            let s = try c.request("GET", "/jmap/session")
            #expect(s.json?["capabilities"]?["urn:ietf:params:jmap:core"]?["maxCallsInRequest"] == 1)
            let two = #"["Core/echo",{},"0"],["Core/echo",{},"1"]"#
            let r = try c.request("POST", "/jmap/api/", headers: Self.json, body: Self.api(two))
            #expect(r.head.status == 400)
            #expect(r.json?["limit"] == "maxCallsInRequest")
            #expect(up.calls.isEmpty)
            let one = try c.request("POST", "/jmap/api/", headers: Self.json, body: Self.api(#"["Core/echo",{},"0"]"#))
            #expect(one.head.status == 200)
            let upload = try c.request("POST", "/jmap/upload/u1/", headers: ["Content-Type": "text/plain"], body: Array("eleven bytes".utf8))
            #expect(upload.head.status == 413)
            h.waitForExchanges(5)
            #expect(h.traceLines.contains { $0.contains("[fault: r1 limit:maxCallsInRequest=1]") })
        }
    }

    @Test func concurrentRequestsOverTheLimitAreRefused() throws {
        let arrived = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let up = try FakeUpstream.jmap { method, args, _ in
            if method == "Slow/call" {
                arrived.signal()
                release.wait()
            }
            return args
        }
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL) { $0.faults = [try! FaultSpec.parse("action=limit:maxConcurrentRequests=1")] }
        defer { h.stop() }
        let a = try h.client()
        let b = try h.client()
        _ = try a.request("GET", "/jmap/session")
        let slow = Self.api(#"["Slow/call",{},"0"]"#)
        try a.send(Array("POST /jmap/api/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: \(slow.count)\r\n\r\n".utf8) + slow)
        arrived.wait()
        let refused = try b.request("POST", "/jmap/api/", headers: Self.json, body: Self.api(#"["Core/echo",{},"0"]"#))
        #expect(refused.head.status == 400)
        #expect(refused.json?["limit"] == "maxConcurrentRequests")
        release.signal()
        #expect(try a.readResponse(to: "POST").head.status == 200)
        // The slot is free again.
        #expect(try b.request("POST", "/jmap/api/", headers: Self.json, body: Self.api(#"["Core/echo",{},"0"]"#)).head.status == 200)
    }

    @Test func strictLimitsApplyTheSessionsOwn() throws {
        var session = FakeUpstream.defaultSession.objectValue!
        var caps = session["capabilities"]!.objectValue!
        var core = caps["urn:ietf:params:jmap:core"]!.objectValue!
        core["maxObjectsInGet"] = 2
        caps["urn:ietf:params:jmap:core"] = .object(core)
        session["capabilities"] = .object(caps)
        try withRelay([], strict: true, session: .object(session)) { _, c, up in
            let calls = #"["Email/get",{"accountId":"u1","ids":["a","b","c"]},"big"],["Mailbox/get",{"accountId":"u1"},"m"]"#
            let r = try c.request("POST", "/jmap/api/", headers: Self.json, body: Self.api(calls))
            let responses = try #require(r.json?["methodResponses"]?.arrayValue)
            #expect(responses[0][1]?["type"] == "requestTooLarge")
            #expect(responses[1][0] == "Mailbox/get")
            #expect(up.calls == [["Mailbox/get", "m"]])
        }
    }

    @Test func controlAPIAddsListsAndDeletesWhileTrafficFlows() throws {
        try withRelay([]) { _, c, _ in
            let echo = Self.api(#"["Core/echo",{},"0"]"#)
            #expect(try c.request("POST", "/jmap/api/", headers: Self.json, body: echo).head.status == 200)
            let add = try c.request("POST", "/_relay/faults", body: Array(#"{"endpoint":"api","action":"status:429","retry-after":1}"#.utf8))
            #expect(add.head.status == 201)
            let id = try #require(add.json?["added"]?[0]?["id"]?.stringValue)
            #expect(try c.request("POST", "/jmap/api/", headers: Self.json, body: echo).head.status == 429)
            let list = try c.request("GET", "/_relay/faults")
            #expect(list.json?["rules"]?[0]?["fired"] == 1)
            #expect(list.json?["rules"]?[0]?["spec"] == "endpoint=api action=status:429 retry-after=1")
            #expect(try c.request("DELETE", "/_relay/faults/\(id)").head.status == 200)
            #expect(try c.request("POST", "/jmap/api/", headers: Self.json, body: echo).head.status == 200)
            #expect(try c.request("DELETE", "/_relay/faults/\(id)").head.status == 404)
            let bad = try c.request("POST", "/_relay/faults", body: Array("action=explode".utf8))
            #expect(bad.head.status == 400)
            #expect(bad.text.contains("unknown action"))
        }
    }

    @Test func libraryAddsFaultsInProcess() throws {
        try withRelay([]) { h, c, _ in
            let rule = try h.relay.faults.add("call=Core/echo action=method-error:cannotCalculateChanges")
            let r = try c.request("POST", "/jmap/api/", headers: Self.json, body: Self.api(#"["Core/echo",{},"0"]"#))
            #expect(r.json?["methodResponses"]?[0]?[1]?["type"] == "cannotCalculateChanges")
            h.relay.faults.remove(id: rule.id)
            let again = try c.request("POST", "/jmap/api/", headers: Self.json, body: Self.api(#"["Core/echo",{},"0"]"#))
            #expect(again.json?["methodResponses"]?[0]?[0] == "Core/echo")
        }
    }
}
