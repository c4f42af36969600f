import Foundation
import Testing

@testable import RelayCore

/// `IdNormalizer`: server-assigned ids and states become stable tokens, by JMAP position only.
@Suite struct IdNormalizerTests {
    static let origin = Origin(url: "http://127.0.0.1:8480")!

    static func json(_ s: String) -> JSONValue { try! JSONParser.parse(Array(s.utf8)) }

    static func exchange(_ kind: EndpointKind, _ method: String = "POST", _ target: String = "/jmap/api/", request: String? = nil,
                         response: String? = nil) -> RecordedExchange {
        RecordedExchange(seq: 0, tMs: 0, durationMs: 0, kind: kind, origin: origin,
                         request: HTTPRequestHead(method: method, target: target), requestBody: request.map { Array($0.utf8) },
                         response: HTTPResponseHead(status: 200), responseBody: response.map { Array($0.utf8) })
    }

    static let session = #"""
        {"username":"alice@example.com","apiUrl":"/jmap/api/","downloadUrl":"https://dl.example.com/jmap/download/{accountId}/{blobId}/{name}?type={type}","uploadUrl":"/jmap/upload/{accountId}/","eventSourceUrl":"/jmap/eventsource/?types={types}","state":"sess5","capabilities":{"urn:ietf:params:jmap:core":{}},"accounts":{"acc9":{"name":"Alice","isPersonal":true},"shared3":{"name":"Team","isPersonal":false}},"primaryAccounts":{"urn:ietf:params:jmap:mail":"acc9","urn:ietf:params:jmap:submission":"acc9"}}
        """#

    /// A normaliser that has seen the session above.
    static func afterSession() -> IdNormalizer {
        var n = IdNormalizer()
        _ = n.normalize(exchange(.session, "GET", "/jmap/session", response: session))
        return n
    }

    static func body(_ bytes: [UInt8]?) -> JSONValue { try! JSONParser.parse(bytes ?? []) }

    @Test func theSessionsAccountsPrimaryAccountsAndStateBecomeTokens() {
        var n = IdNormalizer()
        let e = n.normalize(Self.exchange(.session, "GET", "/jmap/session", response: Self.session))
        let s = Self.body(e.responseBody)
        #expect(s["accounts"]?.objectValue?.keys == ["A1", "A2"])
        #expect(s["accounts"]?["A1"]?["name"] == "Alice", "names are for --pseudonymize")
        #expect(s["primaryAccounts"] == ["urn:ietf:params:jmap:mail": "A1", "urn:ietf:params:jmap:submission": "A1"])
        #expect(s["state"] == "S1")
        #expect(s["username"] == "alice@example.com")
        #expect(s["downloadUrl"] == Self.json(Self.session)["downloadUrl"])
        // Everything else is untouched, in the server's order.
        #expect(s.objectValue?.keys == Self.json(Self.session).objectValue?.keys)
    }

    @Test func theSameValueGetsTheSameTokenAcrossExchangesPushAndWebSockets() {
        var n = Self.afterSession()
        let get = n.normalize(Self.exchange(.api,
            request: #"{"using":[],"methodCalls":[["Mailbox/get",{"accountId":"acc9"},"0"]]}"#,
            response: #"{"methodResponses":[["Mailbox/get",{"accountId":"acc9","state":"42","list":[{"id":"mbx7","name":"42","parentId":null,"role":"inbox"}],"notFound":[]},"0"]],"sessionState":"sess5"}"#))
        #expect(Self.body(get.requestBody)["methodCalls"]?[0]?[1] == ["accountId": "A1"])
        let answer = Self.body(get.responseBody)
        let args = answer["methodResponses"]?[0]?[1]
        #expect(args?["accountId"] == "A1")
        #expect(args?["state"] == "S2")
        #expect(args?["list"]?[0]?["id"] == "I1")
        #expect(args?["list"]?[0]?["name"] == "42", "a name equal to a state is a name")
        #expect(args?["list"]?[0]?["parentId"] == .null)
        #expect(answer["sessionState"] == "S1")

        let push = n.normalize(RecordedPush(tMs: 0, transport: .eventSource,
            event: Self.json(#"{"@type":"StateChange","changed":{"acc9":{"Mailbox":"42","Email":"43"}}}"#), eventId: "ev-1"))
        #expect(push.event == Self.json(#"{"@type":"StateChange","changed":{"A1":{"Mailbox":"S2","Email":"S3"}}}"#))
        #expect(push.eventId == "ev-1")

        let ws = n.normalize(RecordedWebSocketPair(tMs: 0,
            request: Self.json(#"{"@type":"Request","id":"r1","using":[],"methodCalls":[["Mailbox/get",{"accountId":"acc9","ids":["mbx7"]},"a"]]}"#),
            response: Self.json(#"{"@type":"Response","requestId":"r1","methodResponses":[["Mailbox/get",{"accountId":"acc9","state":"43","list":[]},"a"]],"sessionState":"sess5"}"#)))
        #expect(ws.request == Self.json(#"{"@type":"Request","id":"r1","using":[],"methodCalls":[["Mailbox/get",{"accountId":"A1","ids":["I1"]},"a"]]}"#))
        #expect(ws.response == Self.json(#"{"@type":"Response","requestId":"r1","methodResponses":[["Mailbox/get",{"accountId":"A1","state":"S3","list":[]},"a"]],"sessionState":"S1"}"#))

        let wsPush = n.normalize(RecordedPush(tMs: 0, transport: .webSocket,
            event: Self.json(#"{"@type":"StateChange","changed":{"shared3":{"Email":"44"}},"pushState":"p1"}"#)))
        #expect(wsPush.event == Self.json(#"{"@type":"StateChange","changed":{"A2":{"Email":"S4"}},"pushState":"S5"}"#))
        #expect(n.count(of: .account) == 2 && n.count(of: .state) == 5 && n.count(of: .id) == 1)
    }

    @Test func patchKeysMapKeysAndChangesArrays() {
        var n = Self.afterSession()
        let set = n.normalize(Self.exchange(.api,
            request: #"{"using":[],"methodCalls":[["Email/set",{"accountId":"acc9","ifInState":"s10","update":{"em1":{"mailboxIds/mbx7":true,"keywords/$seen":true,"mailboxIds/mbx8":null},"em2":{"mailboxIds":{"mbx7":true},"keywords":{"$flagged":true}}},"destroy":["em3"]},"0"]]}"#,
            response: #"{"methodResponses":[["Email/set",{"accountId":"acc9","oldState":"s10","newState":"s11","updated":{"em1":null,"em2":{"size":3}},"destroyed":["em3"],"notUpdated":{},"notDestroyed":{"em4":{"type":"notFound"}}},"0"]],"sessionState":"sess5"}"#))
        let req = Self.body(set.requestBody)["methodCalls"]?[0]?[1]
        // Tokens in order of first appearance: em1, mbx7, mbx8, em2, em3.
        #expect(req?["update"]?.objectValue?.keys == ["I1", "I4"])
        #expect(req?["update"]?["I1"]?.objectValue?.keys == ["mailboxIds/I2", "keywords/$seen", "mailboxIds/I3"])
        #expect(req?["update"]?["I4"] == ["mailboxIds": ["I2": true], "keywords": ["$flagged": true]])
        #expect(req?["destroy"] == ["I5"])
        #expect(req?["ifInState"] == "S2")
        let res = Self.body(set.responseBody)["methodResponses"]?[0]?[1]
        #expect(res?["oldState"] == "S2" && res?["newState"] == "S3")
        #expect(res?["updated"] == ["I1": nil, "I4": ["size": 3]])
        #expect(res?["destroyed"] == ["I5"])
        #expect(res?["notDestroyed"]?.objectValue?.keys == ["I6"])

        let changes = n.normalize(Self.exchange(.api,
            request: #"{"using":[],"methodCalls":[["Email/changes",{"accountId":"acc9","sinceState":"s10"},"c"],["Email/queryChanges",{"accountId":"acc9","filter":{"inMailbox":"mbx7","operator":"AND","conditions":[{"inMailboxOtherThan":["mbx8"]}]},"sinceQueryState":"q1"},"qc"]]}"#,
            response: #"{"methodResponses":[["Email/changes",{"accountId":"acc9","oldState":"s10","newState":"s11","created":["em9"],"updated":["em1"],"destroyed":["em3"]},"c"],["Email/queryChanges",{"accountId":"acc9","oldQueryState":"q1","newQueryState":"q2","removed":["em3"],"added":[{"id":"em9","index":0}]},"qc"]]}"#))
        let calls = Self.body(changes.requestBody)["methodCalls"]
        #expect(calls?[0]?[1]?["sinceState"] == "S2")
        #expect(calls?[1]?[1]?["filter"] == ["inMailbox": "I2", "operator": "AND", "conditions": [["inMailboxOtherThan": ["I3"]]]])
        #expect(calls?[1]?[1]?["sinceQueryState"] == "S4")
        let answers = Self.body(changes.responseBody)["methodResponses"]
        #expect(answers?[0]?[1]?["created"] == ["I7"] && answers?[0]?[1]?["updated"] == ["I1"] && answers?[0]?[1]?["destroyed"] == ["I5"])
        #expect(answers?[1]?[1]?["removed"] == ["I5"] && answers?[1]?[1]?["added"] == [["id": "I7", "index": 0]])
        #expect(answers?[1]?[1]?["newQueryState"] == "S5")
    }

    @Test func creationIdsReferencesAndHeaderValuesStay() {
        var n = Self.afterSession()
        let e = n.normalize(Self.exchange(.api,
            request: ##"{"using":[],"methodCalls":[["Email/set",{"accountId":"acc9","create":{"draft":{"mailboxIds":{"mbx7":true,"#newbox":true},"messageId":["em1@host"],"keywords":{"$draft":true},"bodyValues":{"1":{"value":"hi"}},"textBody":[{"partId":"1","type":"text/plain"}]}}},"0"],["EmailSubmission/set",{"accountId":"acc9","create":{"k1":{"emailId":"#draft","identityId":"ident1"}},"onSuccessDestroyEmail":["#k1"],"onSuccessUpdateEmail":{"#k1":{"keywords/$draft":null}}},"1"],["Email/get",{"accountId":"acc9","#ids":{"resultOf":"0","name":"Email/set","path":"/created/draft/id"},"properties":["id","messageId","header:Message-ID:asMessageIds"]},"2"],["VacationResponse/get",{"accountId":"acc9","ids":["singleton"]},"3"]],"createdIds":{"earlier":"em0"}}"##,
            response: ##"{"methodResponses":[["Email/set",{"accountId":"acc9","created":{"draft":{"id":"em1","blobId":"G77","threadId":"T5"}},"notCreated":{"other":{"type":"invalidProperties"}}},"0"],["EmailSubmission/set",{"accountId":"acc9","created":{"k1":{"id":"sub1"}}},"1"],["Email/get",{"accountId":"acc9","list":[{"id":"em1","messageId":["em1@host"],"inReplyTo":["em0"],"references":["em0"],"header:Message-ID:asMessageIds":["em1@host"],"blobId":"G77","bodyStructure":{"partId":"1","blobId":"G78"}}]},"2"]],"createdIds":{"earlier":"em0","draft":"em1"}}"##))
        let calls = Self.body(e.requestBody)["methodCalls"]
        let create = calls?[0]?[1]?["create"]
        #expect(create?.objectValue?.keys == ["draft"])
        #expect(create?["draft"]?["mailboxIds"] == ["I1": true, "#newbox": true])
        #expect(create?["draft"]?["messageId"] == ["em1@host"])
        #expect(create?["draft"]?["keywords"] == ["$draft": true])
        #expect(create?["draft"]?["bodyValues"]?.objectValue?.keys == ["1"])
        #expect(create?["draft"]?["textBody"]?[0]?["partId"] == "1")
        #expect(calls?[1]?[1]?["create"]?["k1"] == ["emailId": "#draft", "identityId": "I2"])
        #expect(calls?[1]?[1]?["onSuccessDestroyEmail"] == ["#k1"])
        #expect(calls?[1]?[1]?["onSuccessUpdateEmail"] == ["#k1": ["keywords/$draft": nil]])
        #expect(calls?[2]?[1]?["#ids"] == ["resultOf": "0", "name": "Email/set", "path": "/created/draft/id"])
        #expect(calls?[3]?[1]?["ids"] == ["singleton"])
        #expect(Self.body(e.requestBody)["createdIds"] == ["earlier": "I3"])

        let answers = Self.body(e.responseBody)["methodResponses"]
        #expect(answers?[0]?[1]?["created"] == ["draft": ["id": "I4", "blobId": "B1", "threadId": "I5"]])
        #expect(answers?[0]?[1]?["notCreated"]?.objectValue?.keys == ["other"])
        #expect(answers?[1]?[1]?["created"] == ["k1": ["id": "I6"]])
        let email = answers?[2]?[1]?["list"]?[0]
        #expect(email?["id"] == "I4")
        #expect(email?["messageId"] == ["em1@host"] && email?["header:Message-ID:asMessageIds"] == ["em1@host"])
        #expect(email?["inReplyTo"] == ["em0"] && email?["references"] == ["em0"], "header values, although em0 is a known id")
        #expect(email?["blobId"] == "B1")
        #expect(email?["bodyStructure"] == ["partId": "1", "blobId": "B2"])
        #expect(Self.body(e.responseBody)["createdIds"] == ["earlier": "I3", "draft": "I4"])
    }

    @Test func downloadAndUploadPathsAndUploadAnswers() {
        var n = Self.afterSession()
        let upload = n.normalize(Self.exchange(.upload, "POST", "/jmap/upload/acc9/", request: #"{"accountId":"acc9","blobId":"raw"}"#,
                                               response: #"{"accountId":"acc9","blobId":"Gup1","type":"text/plain","size":5}"#))
        #expect(upload.request.target == "/jmap/upload/A1/")
        #expect(upload.requestBody == Array(#"{"accountId":"acc9","blobId":"raw"}"#.utf8), "an uploaded file is never touched")
        #expect(Self.body(upload.responseBody) == ["accountId": "A1", "blobId": "B1", "type": "text/plain", "size": 5])

        // The template is absolute (another host); the target is origin-form.
        let download = n.normalize(Self.exchange(.download, "GET", "/jmap/download/acc9/Gup1/acc9.txt?type=text%2Fplain",
                                                 response: #"{"id":"acc9"}"#))
        #expect(download.request.target == "/jmap/download/A1/B1/acc9.txt?type=text%2Fplain")
        #expect(download.responseBody == Array(#"{"id":"acc9"}"#.utf8), "a downloaded file is never touched")
        // A blob id first seen in a path gets the next token.
        #expect(n.target("/jmap/download/shared3/Gnew/x", kind: .download) == "/jmap/download/A2/B2/x")
        #expect(n.target("/elsewhere/acc9/Gup1/x", kind: .download) == "/elsewhere/acc9/Gup1/x")
        #expect(n.target("/jmap/eventsource/?types=*", kind: .eventSource) == "/jmap/eventsource/?types=*")

        // Ids in the query of a template are found by parameter name.
        var q = IdNormalizer()
        _ = q.normalize(Self.exchange(.session, "GET", "/s", response: #"{"apiUrl":"/api","downloadUrl":"/dl?account={accountId}&blob={blobId}&name={name}","accounts":{"u1":{}}}"#))
        #expect(q.target("/dl?name=u1&blob=b7&account=u1", kind: .download) == "/dl?name=u1&blob=B1&account=A1")
    }

    @Test func tokensAreValidJMAPIdsAndReserveContinuesTheNumbering() throws {
        var n = Self.afterSession()
        for i in 0..<30 { _ = n.token("value-\(i)", as: .id) }
        let recording = try RecordingCodec.load(Array((Self.headerLine + Self.line(n)).utf8)) { _ in nil }
        var m = IdNormalizer()
        m.reserve(recording)
        // A1, A2 and S1 are in the normalised session: they keep themselves, new values follow.
        #expect(m.token(for: "A1") == "A1" && m.token(for: "S1") == "S1")
        #expect(m.token("acc-new", as: .account) == "A3")
        #expect(m.token("state-new", as: .state) == "S2")
        let valid = { (s: String) in (1...255).contains(s.utf8.count) && s.utf8.allSatisfy { c in
            (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == 0x2D || c == 0x5F } }
        for i in 0..<30 { #expect(valid(n.token(for: "value-\(i)") ?? "")) }
        #expect(IdNormalizer.parseToken("I30")! == (.id, 30))
        #expect(IdNormalizer.parseToken("I0") == nil && IdNormalizer.parseToken("X1") == nil && IdNormalizer.parseToken("S+1") == nil)
    }

    static let headerLine = #"{"kind":"header","v":1,"upstream":"http://127.0.0.1:8480"}"# + "\n"

    /// The session exchange, normalised by `n`, as a recording line.
    static func line(_ n: IdNormalizer) -> String {
        var n = n
        let e = n.normalize(exchange(.session, "GET", "/jmap/session", response: session))
        let codec = RecordingCodec { _ in "" }
        return String(decoding: codec.exchangeLine(e).line, as: UTF8.self)
    }

    @Test(arguments: ["sync.jsonl", "fastmail-demo.jsonl", "push-demo.jsonl"])
    func aWholeFileIsNormalisedOnceAndThenStaysTheSame(_ name: String) throws {
        let bytes = Array(try Data(contentsOf: Fixture.root.appendingPathComponent("recordings/\(name)")))
        let codec = RecordingCodec { _ in "" }
        var first = IdNormalizer()
        let once = try first.normalizeFile(bytes, codec: codec) { _ in nil }
        #expect(once.changedLineCount > 0)
        var second = IdNormalizer()
        let twice = try second.normalizeFile(once.bytes, codec: codec) { _ in nil }
        #expect(twice.bytes == once.bytes)
        #expect(twice.changedLineCount == 0)
        // The header is kept byte for byte; the result loads, with as many lines as before.
        let lines = { (b: [UInt8]) in b.split(separator: 0x0A) }
        #expect(lines(once.bytes).first == lines(bytes).first)
        let original = try RecordingCodec.load(bytes) { _ in nil }
        let normalised = try RecordingCodec.load(once.bytes) { _ in nil }
        #expect(normalised.exchanges.map(\.seq) == original.exchanges.map(\.seq))
        #expect(normalised.otherLines.count == original.otherLines.count)
    }

    @Test func aFileIsNumberedInSeqOrderAsTheRecorderWouldHave() throws {
        // Lines of exchanges that finish together may land a place apart; the recorder numbered
        // them (and handed out tokens) in seq order, so the file is normalised in that order.
        let bytes = Array(try Data(contentsOf: Fixture.root.appendingPathComponent("recordings/push-demo.jsonl")))
        let codec = RecordingCodec { _ in "" }
        func swapped(_ b: [UInt8]) -> [UInt8] {
            var lines = b.split(separator: 0x0A).map(Array.init)
            lines.swapAt(2, 3)  // the Email/set (seq 2) after the push it caused (seq 3)
            return lines.flatMap { $0 + [0x0A] }
        }
        var a = IdNormalizer()
        let inOrder = try a.normalizeFile(bytes, codec: codec) { _ in nil }
        var b = IdNormalizer()
        let outOfOrder = try b.normalizeFile(swapped(bytes), codec: codec) { _ in nil }
        #expect(outOfOrder.bytes == swapped(inOrder.bytes))
        let push = try RecordingCodec.load(inOrder.bytes) { _ in nil }.pushes.first
        #expect(push?.event == Self.json(#"{"@type":"StateChange","changed":{"A1":{"Email":"S3"}}}"#))
    }

    @Test func aCorruptFileFailsWithItsLine() {
        var n = IdNormalizer()
        let bytes = Array((Self.headerLine + "{\"kind\":\"exchange\",\"req\":{}}\n").utf8)
        #expect(throws: RecordingError.self) { try n.normalizeFile(bytes, codec: RecordingCodec { _ in "" }) { _ in nil } }
        do {
            _ = try n.normalizeFile(bytes, codec: RecordingCodec { _ in "" }) { _ in nil }
        } catch let e as RecordingError {
            #expect(e.line == 2)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
