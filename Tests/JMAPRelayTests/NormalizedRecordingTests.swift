import Foundation
import JMAPRelay
import RelayTestSupport
import Testing

/// `--normalize-ids` end to end: a client flow recorded through the relay against fake servers
/// that hand out different ids and states every time gives the same file, and that file replays
/// strictly.
@Suite struct NormalizedRecordingTests {
    /// What the client read from the answers.
    struct Seen: Equatable {
        var account = "", inbox = "", since = "", emailId = "", blobId = "", messageId = ""
        var changesCreated: JSONValue = .null
        var download = ""
    }

    static let using: JSONValue = ["urn:ietf:params:jmap:core", "urn:ietf:params:jmap:mail"]

    struct FlowFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// session → Mailbox/get → Email/get (its state) → Email/set creating `#draft` with an
    /// Email/get by result reference → Email/set updating by patch → Email/changes by
    /// sinceState → download. Every id is read from an answer, as a client does.
    static func flow(port: Int) throws -> Seen {
        let c = try RawHTTPClient(port: port)
        let base = "http://127.0.0.1:\(port)"
        func local(_ url: String?) throws -> String {
            guard let url, url.hasPrefix(base) else { throw FlowFailure(description: "not a relay URL: \(url ?? "nil")") }
            return String(url.dropFirst(base.count))
        }
        let redirect = try c.request("GET", "/.well-known/jmap")
        let session = try c.request("GET", try local(redirect.head.headers["location"]))
        guard session.head.status == 200, let s = session.json else { throw FlowFailure(description: "session: \(session.text)") }
        var seen = Seen()
        seen.account = s["primaryAccounts"]?["urn:ietf:params:jmap:mail"]?.stringValue ?? ""
        let api = try local(s["apiUrl"]?.stringValue)
        let account = JSONValue.string(seen.account)
        func call(_ calls: JSONValue) throws -> JSONValue {
            let body: JSONValue = ["using": using, "methodCalls": calls]
            let r = try c.request("POST", api, headers: ["Content-Type": "application/json"], body: body.serialized())
            guard r.head.status == 200, let answers = r.json?["methodResponses"] else { throw FlowFailure(description: "\(r.head.status) \(r.text)") }
            return answers
        }
        let mailboxes = try call([["Mailbox/get", ["accountId": account], "m"]])
        seen.inbox = mailboxes[0]?[1]?["list"]?.arrayValue?.first { $0["role"] == "inbox" }?["id"]?.stringValue ?? ""
        seen.since = try call([["Email/get", ["accountId": account, "ids": []], "g"]])[0]?[1]?["state"]?.stringValue ?? ""

        var mailboxIds = JSONObject()
        mailboxIds[seen.inbox] = true
        let created = try call([
            ["Email/set", ["accountId": account, "create": ["draft": ["mailboxIds": .object(mailboxIds), "subject": "hello",
                                                                      "keywords": ["$draft": true]]]], "s"],
            ["Email/get", ["accountId": account, "#ids": ["resultOf": "s", "name": "Email/set", "path": "/created/draft/id"],
                           "properties": ["id", "blobId", "messageId"]], "g"],
        ])
        seen.emailId = created[0]?[1]?["created"]?["draft"]?["id"]?.stringValue ?? ""
        seen.blobId = created[1]?[1]?["list"]?[0]?["blobId"]?.stringValue ?? ""
        seen.messageId = created[1]?[1]?["list"]?[0]?["messageId"]?[0]?.stringValue ?? ""

        var update = JSONObject()
        update[seen.emailId] = ["keywords/$seen": true, "mailboxIds/\(seen.inbox)": true]
        _ = try call([["Email/set", ["accountId": account, "update": .object(update)], "u"]])
        seen.changesCreated = try call([["Email/changes", ["accountId": account, "sinceState": .string(seen.since)], "c"]])[0]?[1]?["created"] ?? .null

        let template = try local(s["downloadUrl"]?.stringValue)
        let download = template.replacingOccurrences(of: "{accountId}", with: seen.account)
            .replacingOccurrences(of: "{blobId}", with: seen.blobId).replacingOccurrences(of: "{name}", with: "draft.eml")
            .replacingOccurrences(of: "{type}", with: "message%2Frfc822")
        let blob = try c.request("GET", download)
        guard blob.head.status == 200 else { throw FlowFailure(description: "download \(download): \(blob.head.status) \(blob.text)") }
        seen.download = blob.text
        return seen
    }

    /// A recording of `flow` through a relay in front of a fresh `FakeMailStore(prefix:)`.
    struct Recorded {
        var path: String
        var seen: Seen
        /// The ports of the fake server and the relay.
        var ports: [Int]
        /// The file without what differs between runs by nature: timings, ports, the date.
        var canonical: String
    }

    static func record(prefix: String, normalize: Bool, in dir: String) throws -> Recorded {
        let store = try FakeMailStore.start(prefix: prefix)
        defer { store.stop() }
        let path = dir + "/\(prefix)-\(normalize ? "normalized" : "raw").jsonl"
        let header = RecordingHeader(created: "now", upstream: store.baseURL, origins: [Origin(url: store.baseURL)!], relay: "test")
        let file = try RecordingFile(path: path, mode: .all, header: header, redactor: Redactor(),
                                     normalizer: normalize ? IdNormalizer() : nil)
        let relay = try RelayHarness(upstream: store.baseURL) { $0.recorder = file }
        let seen = try flow(port: relay.port)
        relay.waitForExchanges(8)
        relay.stop()
        file.close()
        return Recorded(path: path, seen: seen, ports: [store.port, relay.port],
                        canonical: try canonical(path, ports: [store.port, relay.port]))
    }

    /// Each line with `t_ms`, `dur_ms`, the header's `created` and `Date` headers dropped, and
    /// the ports of this run's servers replaced.
    static func canonical(_ path: String, ports: [Int]) throws -> String {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        for p in ports { text = text.replacingOccurrences(of: "127.0.0.1:\(p)", with: "127.0.0.1:PORT") }
        return try text.split(separator: "\n").map { line -> String in
            guard case .object(var o) = try JSONParser.parse(Array(line.utf8)) else { return String(line) }
            o["t_ms"] = nil
            o["dur_ms"] = nil
            if o["kind"] == "header" { o["created"] = nil }
            for side in ["req", "res"] {
                guard case .object(var part)? = o[side], let headers = part["headers"]?.arrayValue else { continue }
                part["headers"] = .array(headers.filter { $0[0]?.stringValue?.lowercased() != "date" })
                o[side] = .object(part)
            }
            return JSONValue.object(o).serializedString(sortedKeys: true)
        }.joined(separator: "\n")
    }

    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("norm-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func reRecordingAgainstAFreshServerGivesTheSameFile() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try Self.record(prefix: "alpha", normalize: true, in: dir)
        let second = try Self.record(prefix: "bravo-22", normalize: true, in: dir)
        #expect(first.seen.emailId.hasPrefix("em-alpha-") && second.seen.emailId.hasPrefix("em-bravo-22-"), "the servers differ")
        #expect(first.canonical == second.canonical)
        #expect(first.canonical.split(separator: "\n").count == 9, "header and eight exchanges")

        // Without the option the two files differ, so the comparison above can fail.
        let rawFirst = try Self.record(prefix: "alpha", normalize: false, in: dir)
        let rawSecond = try Self.record(prefix: "bravo-22", normalize: false, in: dir)
        #expect(rawFirst.canonical != rawSecond.canonical)
        #expect(rawFirst.canonical.contains("acc-alpha") && !first.canonical.contains("alpha"))

        // Normalising a raw recording afterwards gives what the recorder writes with the option.
        var normalizer = IdNormalizer()
        let out = dir + "/offline.jsonl"
        _ = try RecordingFile.normalize(input: rawSecond.path, output: out, normalizer: &normalizer)
        #expect(try Self.canonical(out, ports: rawSecond.ports) == first.canonical)
    }

    @Test func aNormalisedRecordingReplaysStrictlyWithTheTokens() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let recorded = try Self.record(prefix: "live", normalize: true, in: dir)
        #expect(recorded.seen.account == "acc-live", "the client saw the server's own ids while recording")

        let relay = try Relay.replaying(recorded.path)
        defer { relay.stop() }
        let seen = try Self.flow(port: relay.port)
        #expect(relay.misses.isEmpty, "\(relay.misses)")
        #expect(relay.unusedRecordedExchanges.isEmpty)
        var expected = Seen(account: "A1", inbox: "I1", since: "S3", emailId: "I2", blobId: "B1", messageId: "hello@example.com")
        expected.changesCreated = ["I2"]
        expected.download = recorded.seen.download
        #expect(seen == expected)
        #expect(seen.download.contains("message 1"))
    }

    @Test func appendingToANormalisedFileContinuesItsTokens() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/r.jsonl"
        let origin = Origin(url: "http://127.0.0.1:1")!
        let header = RecordingHeader(created: "now", upstream: origin.httpBase, origins: [origin], relay: "test")
        func api(_ account: String, _ state: String) -> RecordedExchange {
            RecordedExchange(seq: 0, tMs: 0, durationMs: 0, kind: .api, origin: origin, request: HTTPRequestHead(method: "POST", target: "/api"),
                             requestBody: Array(#"{"using":[],"methodCalls":[["Mailbox/get",{"accountId":"\#(account)"},"0"]]}"#.utf8),
                             response: HTTPResponseHead(status: 200),
                             responseBody: Array(#"{"methodResponses":[["Mailbox/get",{"accountId":"\#(account)","state":"\#(state)","list":[]},"0"]]}"#.utf8))
        }
        let first = try RecordingFile(path: path, mode: .all, header: header, redactor: Redactor(), normalizer: IdNormalizer())
        first.append(api("acc-1", "st-1"), jmapMethods: ["Mailbox/get"])
        first.close()
        let existing = try RecordingFile.load(path: path)
        let second = try RecordingFile(path: path, mode: .new, header: header, redactor: Redactor(), normalizer: IdNormalizer(),
                                       existing: existing)
        // Another server run: a new account and state get the next tokens, never A1 or S1 again.
        second.append(api("acc-2", "st-2"), jmapMethods: ["Mailbox/get"])
        second.append(api("A1", "st-2"), jmapMethods: ["Mailbox/get"])
        second.close()
        let bodies = try RecordingFile.load(path: path).exchanges.map { try JSONParser.parse($0.responseBody ?? []) }
        let args = bodies.map { $0["methodResponses"]?[0]?[1] }
        #expect(args.map { $0?["accountId"] } == ["A1", "A2", "A1"])
        #expect(args.map { $0?["state"] } == ["S1", "S2", "S2"])
    }
}
