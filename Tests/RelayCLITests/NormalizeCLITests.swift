import Foundation
import JMAPRelay
import RelayTestSupport
import Testing

/// `jmap-relay normalize` and `serve --normalize-ids` on the built binary.
@Suite struct NormalizeCLITests {
    static let sync = repositoryRoot.appendingPathComponent("recordings/sync.jsonl").path

    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("normcli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func aShippedRecordingNormalisesLintsAndReplaysStrictly() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/sync.jsonl"
        let r = try run(["normalize", Self.sync, "-o", out])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out == "\(out): 5 of 7 lines changed; 1 account, 3 ids, 1 blob id, 6 states replaced\n")
        #expect(!(try String(contentsOfFile: out, encoding: .utf8)).contains("dj9ytngjhjtfhrfrh668lh7k"))

        // lint finds what it found in the original, no more.
        let lintOriginal = try run(["lint", Self.sync])
        let lint = try run(["lint", out])
        #expect(lint.code == 0)
        #expect(lint.out.split(separator: "\n").last == lintOriginal.out.split(separator: "\n").last)

        // replay --strict serves it: the session has the tokens, and a request made of them matches.
        let relay = try RunningRelay(["replay", out, "--listen", "127.0.0.1:0", "--strict", "--trace", "off"])
        let c = try RawHTTPClient(port: relay.port)
        let session = try c.request("GET", "/jmap")
        #expect(session.json?["accounts"]?.objectValue?.keys == ["A1"])
        #expect(session.json?["state"] == "S1")
        let changes = ##"{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],"methodCalls":[["Email/changes",{"accountId":"A1","sinceState":"S4"},"c"],["Email/queryChanges",{"accountId":"A1","filter":{"inMailbox":"I1"},"sort":[{"property":"receivedAt","isAscending":false}],"sinceQueryState":"S3"},"qc"]]}"##
        let answer = try c.request("POST", "/jmap/", headers: ["Content-Type": "application/json"], body: Array(changes.utf8))
        #expect(answer.head.status == 200, "\(answer.text)")
        #expect(answer.json?["methodResponses"]?[0]?[1]?["created"] == ["I2"])
        #expect(relay.stop() == 0, "no request missed")
    }

    @Test func inPlaceRewritesTheFileAsOutputWould() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let copy = dir + "/copy.jsonl"
        try FileManager.default.copyItem(atPath: Self.sync, toPath: copy)
        #expect(try run(["normalize", Self.sync, "--output=\(dir)/out.jsonl"]).code == 0)
        #expect(try run(["normalize", copy, "--in-place"]).code == 0)
        #expect(FileManager.default.contents(atPath: copy) == FileManager.default.contents(atPath: dir + "/out.jsonl"))
        #expect(try run(["normalize", copy, "--in-place"]).out.contains(": 0 of 7 lines changed"), "normalising twice changes nothing")
    }

    /// A recording with a session, an Email/get answer and a download both large enough to be
    /// stored beside the file.
    static func recordingWithSideBodies(_ path: String) throws -> (json: [UInt8], binary: [UInt8]) {
        let origin = Origin(url: "http://127.0.0.1:8480")!
        let header = RecordingHeader(created: "now", upstream: origin.httpBase, origins: [origin], relay: "test")
        let file = try RecordingFile(path: path, mode: .all, header: header, redactor: Redactor())
        func exchange(_ kind: EndpointKind, _ method: String, _ target: String, _ request: String?, _ response: [UInt8],
                      _ type: String) -> RecordedExchange {
            RecordedExchange(seq: 0, tMs: 0, durationMs: 0, kind: kind, origin: origin, request: HTTPRequestHead(method: method, target: target),
                             requestBody: request.map { Array($0.utf8) }, response: HTTPResponseHead(status: 200, headers: ["Content-Type": type]),
                             responseBody: response)
        }
        let session = #"{"apiUrl":"/api/","downloadUrl":"/download/{accountId}/{blobId}/{name}","accounts":{"acc-x":{}},"state":"s0"}"#
        file.append(exchange(.session, "GET", "/jmap/session", nil, Array(session.utf8), "application/json"), jmapMethods: [])
        let list = (0..<6000).map { #"{"id":"email-\#($0)","blobId":"blob-\#($0)","subject":"a subject of some thirty chars"}"# }.joined(separator: ",")
        let json = Array(#"{"methodResponses":[["Email/get",{"accountId":"acc-x","state":"s1","list":[\#(list)]},"0"]],"sessionState":"s0"}"#.utf8)
        file.append(exchange(.api, "POST", "/api/", #"{"using":[],"methodCalls":[["Email/get",{"accountId":"acc-x"},"0"]]}"#, json,
                             "application/json"), jmapMethods: ["Email/get"])
        let binary = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        file.append(exchange(.download, "GET", "/download/acc-x/blob-7/f.bin", nil, binary, "application/octet-stream"), jmapMethods: [])
        file.close()
        return (json, binary)
    }

    static func sha(_ b: [UInt8]) -> String { Digest.hex(Digest.sha256(b)) }

    static func blobs(_ path: String) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: path + ".blobs")) ?? [])
    }

    @Test func sideStoredBodiesStayConsistent() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/in.jsonl"
        let (json, binary) = try Self.recordingWithSideBodies(input)
        #expect(Self.blobs(input) == [Self.sha(json), Self.sha(binary)])

        let out = dir + "/out/normalized.jsonl"
        let r = try run(["normalize", input, "-o", out])
        #expect(r.code == 0, "\(r.err)")
        let normalized = try RecordingFile.load(path: out)
        let answer = try JSONParser.parse(normalized.exchanges[1].responseBody ?? [])
        let args = answer["methodResponses"]?[0]?[1]
        #expect(args?["accountId"] == "A1" && args?["state"] == "S2")
        #expect(args?["list"]?[5999]?["id"] == "I6000" && args?["list"]?[5999]?["blobId"] == "B6000")
        // The download path names the ids the answer gave; the file itself is untouched.
        #expect(normalized.exchanges[2].request.target == "/download/A1/B8/f.bin")
        #expect(normalized.exchanges[2].responseBody == binary)
        // The changed answer is stored under its new SHA-256; the untouched file keeps its own.
        let newJSON = Self.sha(normalized.exchanges[1].responseBody ?? [])
        #expect(Self.blobs(out) == [newJSON, Self.sha(binary)])
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains(#""bodyRef":"\#(Self.sha(binary))""#))
        #expect(Self.blobs(input) == [Self.sha(json), Self.sha(binary)], "the input is left alone")

        // In place, the old answer's side file goes; the file loads the same as the -o copy.
        #expect(try run(["normalize", input, "--in-place"]).code == 0)
        #expect(Self.blobs(input) == [newJSON, Self.sha(binary)])
        #expect(try RecordingFile.load(path: input).exchanges.map(\.responseBody) == normalized.exchanges.map(\.responseBody))
    }

    @Test func aCorruptRecordingExits65WithTheLine() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/bad.jsonl"
        try "{\"kind\":\"header\",\"v\":1,\"upstream\":\"http://a\"}\n{\"kind\":\"exchange\",\"req\":{\"method\":\"GET\",\"target\":\"/\"},\"res\":{\"status\":200}}\n[1,\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let r = try run(["normalize", path, "-o", dir + "/out.jsonl"])
        #expect(r.code == 65)
        #expect(r.err.contains("line 3: not JSON"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.jsonl"), "nothing written")
        #expect(try run(["normalize", dir + "/missing.jsonl", "--in-place"]).code == 66)
    }

    @Test(arguments: [["normalize"], ["normalize", "a.jsonl"], ["normalize", "a.jsonl", "-o", "b.jsonl", "--in-place"],
                      ["normalize", "a.jsonl", "b.jsonl", "-o", "c.jsonl"], ["normalize", "a.jsonl", "--bogus"],
                      ["normalize", "a.jsonl", "--in-place=yes"], ["normalize", "a.jsonl", "-o"]])
    func badUsageExits64(_ args: [String]) throws {
        let r = try run(args)
        #expect(r.code == 64, "\(args)")
        let lines = r.err.split(separator: "\n")
        #expect(lines.first?.hasPrefix("Error: ") == true)
        #expect(lines.count >= 2 && lines[1] == "Usage: jmap-relay normalize <file> (-o <out.jsonl> | --in-place)")
    }

    @Test func normalizeIdsNeedsARecording() throws {
        let r = try run(["serve", "--upstream", "http://x", "--normalize-ids"])
        #expect(r.code == 64)
        #expect(r.err.hasPrefix("Error: '--record-mode', '--redact', '--pseudonymize' and '--normalize-ids' need '--record FILE'\n"))
        #expect(try run(["serve", "--upstream", "http://x", "--record", "f.jsonl", "--normalize-ids=yes"]).code == 64)
    }

    @Test func helpListsAndDescribesIt() throws {
        #expect(try run(["--help"]).out.contains("  normalize  "))
        let help = try run(["normalize", "--help"])
        #expect(help.code == 0 && help.out.contains("USAGE: jmap-relay normalize <file> (-o <out.jsonl> | --in-place)"))
        #expect(try run(["help", "serve"]).out.contains("--normalize-ids"))
    }

    @Test func serveRecordsWithTokens() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/live.jsonl"
        let relay = try RunningRelay(["serve", "--upstream", up.baseURL, "--listen", "127.0.0.1:0", "--trace", "off", "--record", path,
                                      "--normalize-ids"])
        let c = try RawHTTPClient(port: relay.port)
        let session = try c.request("GET", "/jmap/session")
        #expect(session.json?["primaryAccounts"]?["urn:ietf:params:jmap:mail"] == "u1", "the client sees the server's ids")
        let get = #"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Mailbox/get",{"accountId":"u1"},"0"]]}"#
        #expect(try c.request("POST", "/jmap/api/", body: Array(get.utf8)).head.status == 200)
        #expect(relay.stop() == 0)
        let recording = try RecordingFile.load(path: path)
        #expect(recording.exchanges.count == 2)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(#""primaryAccounts":{"urn:ietf:params:jmap:mail":"A1"}"#))
        #expect(text.contains(#"["Mailbox/get",{"accountId":"A1"},"0"]"#) && text.contains(#""sessionState":"S2""#))
        #expect(!text.contains(#""u1""#))
    }
}
