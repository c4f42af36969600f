@testable import RelayCore

/// Small builders for lint tests: a valid session, API exchanges from call JSON, and a run of
/// the full linter filtered to one rule.
enum LintFixtures {
    static let origin = Origin(url: "https://jmap.example")!
    static let core = "urn:ietf:params:jmap:core"
    static let mail = "urn:ietf:params:jmap:mail"

    /// A session that passes every server rule: account A1, state s0, small limits (4 calls,
    /// 3 objects per /get and /set) so tests can exceed them.
    static let validSession: JSONValue = try! JSONParser.parse(#"""
        {"capabilities":{"urn:ietf:params:jmap:core":{"maxSizeUpload":1000,"maxConcurrentUpload":1,"maxSizeRequest":1000,
          "maxConcurrentRequests":1,"maxCallsInRequest":4,"maxObjectsInGet":3,"maxObjectsInSet":3,"collationAlgorithms":[]},
          "urn:ietf:params:jmap:mail":{},"urn:ietf:params:jmap:websocket":{"url":"wss://jmap.example/ws","supportsPush":true}},
         "accounts":{"A1":{"name":"a","isPersonal":true,"isReadOnly":false,"accountCapabilities":{}}},
         "primaryAccounts":{"urn:ietf:params:jmap:mail":"A1"},"username":"u","apiUrl":"https://jmap.example/api/",
         "downloadUrl":"https://jmap.example/download/{accountId}/{blobId}/{name}?accept={type}",
         "uploadUrl":"https://jmap.example/upload/{accountId}/",
         "eventSourceUrl":"https://jmap.example/events/?types={types}&closeafter={closeafter}&ping={ping}","state":"s0"}
        """#)

    /// A session fetch answered with `validSession` as changed by `edit`.
    static func session(_ seq: Int, tMs: Int? = nil, edit: (inout JSONValue) -> Void = { _ in }) -> RecordedExchange {
        var body = validSession
        edit(&body)
        return RecordedExchange(
            seq: seq, tMs: tMs ?? seq * 10, durationMs: 1, kind: .session, origin: origin,
            request: HTTPRequestHead(method: "GET", target: "/.well-known/jmap"), requestBody: nil,
            response: HTTPResponseHead(status: 200, headers: ["Content-Type": "application/json"]),
            responseBody: body.serialized())
    }

    /// An API exchange. `calls` is the inside of `methodCalls`, e.g. `["Email/get",{"accountId":"A1"},"0"]`;
    /// `responses` the inside of `methodResponses` (default: each call answered plainly, a
    /// /set with a newState). `sessionState` defaults to the valid session's.
    static func api(_ seq: Int, _ calls: String, using: [String] = [core, mail], responses: String? = nil,
                    sessionState: String = "s0", status: Int = 200, tMs: Int? = nil, durationMs: Int = 1,
                    responseHeaders: HTTPHeaders = ["Content-Type": "application/json; charset=utf-8"]) -> RecordedExchange {
        let usingJSON = JSONValue.array(using.map { .string($0) }).serializedString()
        let request = try! JSONParser.parse("{\"using\":\(usingJSON),\"methodCalls\":[\(calls)]}")
        let responseBody: [UInt8]
        if status == 200 {
            let list = responses.map { try! JSONParser.parse("[\($0)]") } ?? defaultResponses(to: request)
            responseBody = JSONValue.object(["methodResponses": list, "sessionState": .string(sessionState)]).serialized()
        } else {
            responseBody = Array(#"{"type":"urn:ietf:params:jmap:error:limit","status":\#(status)}"#.utf8)
        }
        return RecordedExchange(
            seq: seq, tMs: tMs ?? seq * 10, durationMs: durationMs, kind: .api, origin: origin,
            request: HTTPRequestHead(method: "POST", target: "/api/", headers: ["Content-Type": "application/json"]),
            requestBody: request.serialized(),
            response: HTTPResponseHead(status: status, headers: responseHeaders), responseBody: responseBody)
    }

    /// Each call answered with `{"accountId":"A1"}` (plus `newState` for /set).
    static func defaultResponses(to request: JSONValue) -> JSONValue {
        .array(JMAPInvocation.list(request["methodCalls"]).map { call in
            var args: JSONObject = ["accountId": "A1"]
            if call.operation == "set" { args["newState"] = "n1" }
            return [.string(call.name), .object(args), .string(call.callId)]
        })
    }

    /// A non-JMAP exchange of `kind` (upload, eventsource …).
    static func plain(_ seq: Int, kind: EndpointKind, status: Int = 200, tMs: Int? = nil, durationMs: Int = 1,
                      requestBody: String? = nil, responseHeaders: HTTPHeaders = [:], responseBody: [UInt8]? = nil)
        -> RecordedExchange
    {
        RecordedExchange(
            seq: seq, tMs: tMs ?? seq * 10, durationMs: durationMs, kind: kind, origin: origin,
            request: HTTPRequestHead(method: requestBody == nil ? "GET" : "POST", target: "/\(kind.rawValue)/"),
            requestBody: requestBody.map { Array($0.utf8) },
            response: HTTPResponseHead(status: status, headers: responseHeaders), responseBody: responseBody)
    }

    /// The findings of rule `id` when the full rule set runs over `exchanges`.
    static func findings(_ id: String, _ exchanges: [RecordedExchange]) -> [LintFinding] {
        precondition(LintRules.rule(id: id) != nil, "no rule \(id)")
        var linter = Linter()
        return linter.lint(exchanges).filter { $0.ruleId == id }
    }
}
