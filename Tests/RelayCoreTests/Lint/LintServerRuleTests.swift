import Testing

@testable import RelayCore

private typealias F = LintFixtures

/// Each server-side rule: an answer it accepts and one it flags, with exact counts.
@Suite struct LintServerRuleTests {
    @Test func sessionMissingProperty() {
        #expect(F.findings("session-missing-property", [F.session(1)]).isEmpty)
        let bad = F.session(1) { s in
            s["state"] = nil
            s["eventSourceUrl"] = nil
            s["capabilities"]?[F.core] = nil
        }
        let found = F.findings("session-missing-property", [bad])
        #expect(found.map(\.message) == ["the session has no \"eventSourceUrl\"", "the session has no \"state\"",
                                         "capabilities lack urn:ietf:params:jmap:core"])
    }

    @Test func sessionURLTemplate() {
        #expect(F.findings("session-url-template", [F.session(1)]).isEmpty)
        let bad = F.session(1) { s in
            s["downloadUrl"] = "https://jmap.example/download/{accountId}/{blobId}"
            s["eventSourceUrl"] = "https://jmap.example/events/?types={types}&ping={ping}"
        }
        let found = F.findings("session-url-template", [bad])
        #expect(found.count == 2)
        #expect(found[0].message.hasSuffix("lacks {type}, {name}"))
        #expect(found[1].message.hasSuffix("lacks {closeafter}"))
    }

    @Test func sessionRelativeURL() {
        #expect(F.findings("session-relative-url", [F.session(1)]).isEmpty)
        let cyrus = F.session(1) { s in
            s["apiUrl"] = "/jmap/"
            s["capabilities"]?["urn:ietf:params:jmap:websocket"]?["url"] = "wss:/jmap/ws/"
        }
        let found = F.findings("session-relative-url", [cyrus])
        #expect(found.map(\.message) == ["apiUrl \"/jmap/\" is relative", "WebSocket url \"wss:/jmap/ws/\" has no host"])
        #expect(found.allSatisfy { $0.level == .warning })
    }

    @Test func responseCallIdMismatch() {
        #expect(F.findings("response-call-id-mismatch", [F.api(1, #"["Email/get",{"accountId":"A1"},"a"],["Email/get",{"accountId":"A1"},"b"]"#)]).isEmpty)
        let bad = F.api(1, #"["Email/get",{"accountId":"A1"},"a"],["Email/get",{"accountId":"A1"},"b"]"#,
                        responses: #"["Email/get",{"accountId":"A1"},"a"],["Email/get",{"accountId":"A1"},"B"]"#)
        let found = F.findings("response-call-id-mismatch", [bad])
        #expect(found.map(\.callId) == ["B", "b"])
    }

    @Test func setWithoutNewState() {
        #expect(F.findings("set-without-new-state", [F.api(1, #"["Email/set",{"accountId":"A1"},"0"]"#)]).isEmpty)
        let bad = F.api(1, #"["Email/set",{"accountId":"A1"},"0"],["Mailbox/set",{"accountId":"A1"},"1"]"#,
                        responses: #"["Email/set",{"accountId":"A1","newState":null},"0"],["Mailbox/set",{"accountId":"A1","newState":"3"},"1"]"#)
        let found = F.findings("set-without-new-state", [bad])
        #expect(found.map(\.callId) == ["0"])
    }

    @Test func apiContentType() {
        #expect(F.findings("api-content-type", [F.api(1, #"["Core/echo",{},"0"]"#)]).isEmpty)
        #expect(F.findings("api-content-type", [F.api(1, #"["Core/echo",{},"0"]"#, status: 400, responseHeaders: ["Content-Type": "application/problem+json"])]).isEmpty)
        let bad = F.api(1, #"["Core/echo",{},"0"]"#, responseHeaders: ["Content-Type": "text/html"])
        let found = F.findings("api-content-type", [bad, F.api(2, #"["Core/echo",{},"0"]"#, responseHeaders: [:])])
        #expect(found.map(\.message) == ["the API response has Content-Type \"text/html\", not application/json",
                                         "the API response has no Content-Type, not application/json"])
    }

    @Test func eventSourceContentEncoding() {
        let events = Array("event: state\ndata: {}\n\n".utf8)
        let ok = F.plain(1, kind: .eventSource, responseHeaders: ["Content-Type": "text/event-stream"], responseBody: events)
        let gzipDownload = F.plain(2, kind: .download, responseHeaders: ["Content-Encoding": "gzip"])
        #expect(F.findings("eventsource-content-encoding", [ok, gzipDownload]).isEmpty)
        let cyrus = F.plain(1, kind: .eventSource, responseHeaders: ["Content-Type": "text/event-stream", "Content-Encoding": "gzip"],
                            responseBody: events)
        let found = F.findings("eventsource-content-encoding", [cyrus])
        #expect(found.count == 1)
        #expect(found.first?.message.contains("the header is false") == true)
    }

    @Test func webSocketPushAllTypes() throws {
        let linter = Linter()
        func findings(_ json: String) throws -> [LintFinding] {
            linter.check(webSocketClientMessage: try JSONParser.parse(Array(json.utf8)), seq: 4)
        }
        #expect(try findings(#"{"@type":"WebSocketPushEnable","dataTypes":["Email"]}"#).isEmpty)
        #expect(try findings(#"{"@type":"Request","id":"r1","using":[],"methodCalls":[]}"#).isEmpty)
        let null = try findings(#"{"@type":"WebSocketPushEnable","dataTypes":null}"#)
        #expect(null.map(\.ruleId) == ["websocket-push-all-types"])
        #expect(null.first?.section == "RFC 8887 §4.3.5.2")
        #expect(null.first?.seq == 4)
        #expect(try findings(#"{"@type":"WebSocketPushEnable"}"#).count == 1)
        let quiet = Linter(ignoring: ["websocket-push-all-types"])
        #expect(quiet.check(webSocketClientMessage: try JSONParser.parse(Array(#"{"@type":"WebSocketPushEnable","dataTypes":null}"#.utf8)), seq: 1).isEmpty)
    }
}
