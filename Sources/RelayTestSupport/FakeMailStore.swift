import JMAPRelay

/// A small stateful JMAP mail server on top of `FakeUpstream`, as a fresh real server would
/// behave: one account with an inbox, `Email/set` creates and updates (result references to
/// `/created/<id>/id` and `/ids` resolved), `Email/changes` by `sinceState`, `Email/get`,
/// `Email/query`, `Mailbox/get`, uploads and downloads. Every id and state it hands out
/// carries `prefix`, so two stores with different prefixes answer the same client flow with
/// different ids and states (what `--normalize-ids` is for); message contents do not.
public enum FakeMailStore {
    private struct Email {
        var id: String
        var blobId: String
        var threadId: String
        var subject: String
        var mailboxIds: [String]
        var keywords: [String]
    }

    private struct State {
        var emails: [Email] = []
        /// Email state number, and the email created (true) or updated at each state.
        var emailState = 0
        var changes: [Int: (id: String, created: Bool)] = [:]
        var blobs: [String: [UInt8]] = [:]
        var uploads = 0
    }

    /// Starts a store whose ids and states all carry `prefix`.
    public static func start(prefix: String) throws -> FakeUpstream {
        let account = "acc-\(prefix)"
        let inbox = "mbx-\(prefix)-inbox"
        let state = Locked(State())
        let portBox = Locked(0)
        var accounts = JSONObject()
        accounts[account] = ["name": "test@example.com", "isPersonal": true, "isReadOnly": false,
                             "accountCapabilities": ["urn:ietf:params:jmap:mail": [:]]]
        let session: JSONValue = [
            "capabilities": [
                "urn:ietf:params:jmap:core": ["maxSizeUpload": 50_000_000, "maxCallsInRequest": 16, "maxObjectsInGet": 500,
                                              "maxObjectsInSet": 500, "maxSizeRequest": 10_000_000, "maxConcurrentRequests": 4,
                                              "maxConcurrentUpload": 4, "collationAlgorithms": []],
                "urn:ietf:params:jmap:mail": [:],
            ],
            "accounts": .object(accounts),
            "primaryAccounts": ["urn:ietf:params:jmap:mail": .string(account)],
            "username": "test@example.com",
            "apiUrl": "/jmap/api/",
            "downloadUrl": "/jmap/download/{accountId}/{blobId}/{name}?accept={type}",
            "uploadUrl": "/jmap/upload/{accountId}/",
            "eventSourceUrl": "/jmap/eventsource/?types={types}&closeafter={closeafter}&ping={ping}",
            "state": .string("sess-\(prefix)"),
        ]
        let server = try FakeUpstream { head, body in
            let path = String(head.path)
            let json: HTTPHeaders = ["Content-Type": "application/json"]
            switch (head.method, path) {
            case ("GET", "/.well-known/jmap"):
                let port = portBox.withLock { $0 }
                return .respond(status: 301, headers: ["Location": "http://127.0.0.1:\(port)/jmap/session"], body: [])
            case ("GET", "/jmap/session"):
                return .respond(status: 200, headers: json, body: session.serialized())
            case ("POST", "/jmap/api/"):
                guard let req = try? JSONParser.parse(body), let calls = req["methodCalls"]?.arrayValue else {
                    return .respond(status: 400, headers: json, body: Array(#"{"type":"urn:ietf:params:jmap:error:notJSON"}"#.utf8))
                }
                let responses = state.withLock { s in
                    var done: [(callId: String, name: String, args: JSONValue)] = []
                    for c in calls {
                        let name = c[0]?.stringValue ?? ""
                        let callId = c[2]?.stringValue ?? ""
                        let args = resolve(c[1] ?? [:], done)
                        let answer = call(name, args, &s, prefix: prefix, account: account, inbox: inbox)
                        done.append((callId, answer.0, answer.1))
                    }
                    return done.map { JSONValue.array([.string($0.name), $0.args, .string($0.callId)]) }
                }
                let out: JSONValue = ["methodResponses": .array(responses), "sessionState": .string("sess-\(prefix)")]
                return .respond(status: 200, headers: json, body: out.serialized())
            case ("POST", _) where path.hasPrefix("/jmap/upload/"):
                let blobId = state.withLock { s -> String in
                    s.uploads += 1
                    let id = "up-\(prefix)-\(s.uploads)"
                    s.blobs[id] = body
                    return id
                }
                let blob: JSONValue = ["accountId": .string(account), "blobId": .string(blobId), "size": .int(body.count),
                                       "type": .string(head.headers["content-type"] ?? "application/octet-stream")]
                return .respond(status: 201, headers: json, body: blob.serialized())
            case ("GET", _) where path.hasPrefix("/jmap/download/\(account)/"):
                let blobId = path.split(separator: "/").dropFirst(3).first.map(String.init) ?? ""
                guard let bytes = state.withLock({ $0.blobs[blobId] }) else {
                    return .respond(status: 404, headers: ["Content-Type": "text/plain"], body: Array("no such blob".utf8))
                }
                return .respond(status: 200, headers: ["Content-Type": "message/rfc822"], body: bytes)
            default:
                return .respond(status: 404, headers: ["Content-Type": "text/plain"], body: Array("not found".utf8))
            }
        }
        portBox.withLock { $0 = server.port }
        return server
    }

    /// Arguments with `#name` result references replaced by what they point at (`/ids`,
    /// `/created/<id>/id`, `/list/*/id`).
    private static func resolve(_ args: JSONValue, _ done: [(callId: String, name: String, args: JSONValue)]) -> JSONValue {
        guard case .object(let o) = args else { return args }
        var out = JSONObject()
        for (k, v) in o {
            guard k.hasPrefix("#"), let of = v["resultOf"]?.stringValue, let path = v["path"]?.stringValue,
                let answer = done.first(where: { $0.callId == of })?.args
            else {
                out[k] = v
                continue
            }
            var value: JSONValue = answer
            for step in path.split(separator: "/") {
                if step == "*", case .array(let a) = value { value = .array(a.map { $0["id"] ?? .null }); break }
                value = value[String(step)] ?? .null
            }
            if case .string = value { value = [value] }
            out[String(k.dropFirst())] = value
        }
        return .object(out)
    }

    private static func call(_ name: String, _ args: JSONValue, _ s: inout State, prefix: String, account: String,
                             inbox: String) -> (String, JSONValue) {
        let emailState = { (n: Int) in JSONValue.string("\(prefix)-st\(n)") }
        func email(_ e: Email) -> JSONValue {
            var mailboxes = JSONObject()
            for m in e.mailboxIds { mailboxes[m] = true }
            var keywords = JSONObject()
            for k in e.keywords { keywords[k] = true }
            return ["id": .string(e.id), "blobId": .string(e.blobId), "threadId": .string(e.threadId), "subject": .string(e.subject),
                    "mailboxIds": .object(mailboxes), "keywords": .object(keywords), "messageId": [.string("\(e.subject)@example.com")]]
        }
        switch name {
        case "Mailbox/get":
            return (name, ["accountId": .string(account), "state": .string("\(prefix)-mb1"), "notFound": [],
                           "list": [["id": .string(inbox), "name": "Inbox", "role": "inbox", "parentId": nil]]])
        case "Email/get":
            let wanted = args["ids"]?.arrayValue?.compactMap(\.stringValue)
            let list = s.emails.filter { wanted?.contains($0.id) ?? true }
            let notFound = (wanted ?? []).filter { id in !s.emails.contains { $0.id == id } }
            return (name, ["accountId": .string(account), "state": emailState(s.emailState), "list": .array(list.map(email)),
                           "notFound": .array(notFound.map { .string($0) })])
        case "Email/query":
            return (name, ["accountId": .string(account), "queryState": .string("\(prefix)-q\(s.emailState)"),
                           "canCalculateChanges": true, "position": 0, "ids": .array(s.emails.map { .string($0.id) })])
        case "Email/set":
            let old = s.emailState
            var created = JSONObject()
            for (cid, obj) in args["create"]?.objectValue ?? JSONObject() {
                s.emailState += 1
                let n = s.emails.count + 1
                let e = Email(id: "em-\(prefix)-\(n)", blobId: "blob-\(prefix)-\(n)", threadId: "th-\(prefix)-\(n)",
                              subject: obj["subject"]?.stringValue ?? "", mailboxIds: obj["mailboxIds"]?.objectValue?.keys ?? [],
                              keywords: obj["keywords"]?.objectValue?.keys ?? [])
                s.emails.append(e)
                s.changes[s.emailState] = (e.id, true)
                s.blobs[e.blobId] = Array("Subject: \(e.subject)\r\n\r\nmessage \(n)\r\n".utf8)
                created[cid] = ["id": .string(e.id), "blobId": .string(e.blobId), "threadId": .string(e.threadId)]
            }
            var updated = JSONObject()
            for (id, patch) in args["update"]?.objectValue ?? JSONObject() {
                guard let i = s.emails.firstIndex(where: { $0.id == id }) else { continue }
                for (path, value) in patch.objectValue ?? JSONObject() {
                    let parts = path.split(separator: "/", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { continue }
                    let on = value != .null && value != false
                    if parts[0] == "keywords" {
                        s.emails[i].keywords.removeAll { $0 == parts[1] }
                        if on { s.emails[i].keywords.append(parts[1]) }
                    } else if parts[0] == "mailboxIds" {
                        s.emails[i].mailboxIds.removeAll { $0 == parts[1] }
                        if on { s.emails[i].mailboxIds.append(parts[1]) }
                    }
                }
                s.emailState += 1
                s.changes[s.emailState] = (id, false)
                updated[id] = .null
            }
            return (name, ["accountId": .string(account), "oldState": emailState(old), "newState": emailState(s.emailState),
                           "created": .object(created), "updated": .object(updated), "notCreated": [:]])
        case "Email/changes":
            guard let since = args["sinceState"]?.stringValue, since.hasPrefix("\(prefix)-st"),
                let n = Int(since.dropFirst("\(prefix)-st".count)), n <= s.emailState
            else { return ("error", ["type": "cannotCalculateChanges"]) }
            let changes = (n..<s.emailState).compactMap { s.changes[$0 + 1] }
            let created = changes.filter(\.created).map(\.id)
            let updated = Set(changes.filter { !$0.created }.map(\.id)).subtracting(created).sorted()
            return (name, ["accountId": .string(account), "oldState": .string(since), "newState": emailState(s.emailState),
                           "hasMoreChanges": false, "created": .array(created.map { .string($0) }),
                           "updated": .array(updated.map { .string($0) }), "destroyed": []])
        default:
            return ("error", ["type": "unknownMethod"])
        }
    }
}
