import Foundation
import JMAPRelay
import Testing

/// `jmap-relay lint` end to end on the built binary: shipped recordings, formats, ignore,
/// exit codes.
@Suite struct LintCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sync = root.appendingPathComponent("recordings/sync.jsonl").path

    /// Writes a recording of one API exchange whose request lacks the mail capability.
    static func recordingWithAnError() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lint-\(UUID().uuidString).jsonl").path
        let lines = [
            #"{"kind":"header","v":1,"upstream":"http://127.0.0.1:8480","origins":["http://127.0.0.1:8480"]}"#,
            #"{"kind":"exchange","v":1,"seq":1,"t_ms":5,"dur_ms":1,"endpoint":"api","req":{"method":"POST","target":"/jmap/","body":{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Email/get",{"accountId":"a"},"g"]]}},"res":{"status":200,"headers":[["content-type","application/json"]],"body":{"methodResponses":[["Email/get",{"accountId":"a","state":"1","list":[],"notFound":[]},"g"]],"sessionState":"0"}}}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func shippedRecordingHasOnlyWarningsSoExitsZero() throws {
        let r = try run(["lint", Self.sync])
        #expect(r.code == 0)
        #expect(r.out.contains("warning: session-relative-url (RFC 8620 §2) ×5"))
        #expect(r.out.contains("    #2 apiUrl \"/jmap/\" is relative"))
        #expect(r.out.hasSuffix("5 findings (0 errors, 5 warnings, 0 info) in 6 exchanges; 22 rules run\n"))
    }

    @Test func jsonFormatIsOneParsableObject() throws {
        let r = try run(["lint", Self.sync, "--format=json"])
        #expect(r.code == 0)
        let v = try JSONParser.parse(r.out.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(v["summary"]?["warning"] == 5)
        #expect(v["summary"]?["exchanges"] == 6)
        #expect(v["findings"]?[0]?["ruleId"] == "session-relative-url")
        #expect(v["findings"]?[0]?["seq"] == 2)
    }

    @Test func ignoredRulesAreSwitchedOff() throws {
        let r = try run(["lint", Self.sync, "--lint-ignore", "session-relative-url,too-many-calls", "--lint-ignore", "api-content-type"])
        #expect(r.code == 0)
        #expect(r.out == "0 findings (0 errors, 0 warnings, 0 info) in 6 exchanges; 19 rules run, 3 ignored\n")
    }

    @Test func anErrorFindingExitsOne() throws {
        let path = try Self.recordingWithAnError()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try run(["lint", path])
        #expect(r.code == 1)
        #expect(r.out.contains("error: capability-not-in-using (RFC 8620 §3.3) ×1"))
        #expect(r.out.contains("    #1 [g] Email/get needs urn:ietf:params:jmap:mail in `using`"))
        #expect(try run(["lint", path, "--lint-ignore", "capability-not-in-using"]).code == 0)
    }

    @Test func aCorruptRecordingExits65WithTheLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lint-bad-\(UUID().uuidString).jsonl").path
        try "{\"kind\":\"header\",\"v\":1,\"upstream\":\"http://a\"}\n{oops\n{\"kind\":\"exchange\"}\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try run(["lint", path])
        #expect(r.code == 65)
        #expect(r.err.contains("line 2: not JSON"))
    }

    @Test(arguments: [["lint"], ["lint", "a.jsonl", "b.jsonl"], ["lint", "a.jsonl", "--format", "yaml"],
                      ["lint", "a.jsonl", "--lint-ignore", "no-such-rule"], ["lint", "a.jsonl", "--lint-ignore"],
                      ["lint", "a.jsonl", "--strict"]])
    func badUsageExits64(_ args: [String]) throws {
        let r = try run(args)
        #expect(r.code == 64, "\(args)")
        let lines = r.err.split(separator: "\n")
        #expect(lines.first?.hasPrefix("Error: ") == true)
        #expect(lines.count >= 2 && lines[1] == "Usage: jmap-relay lint <file> [<options>]")
    }

    @Test func helpListsLintAndItsRules() throws {
        #expect(try run(["--help"]).out.contains("  lint  "))
        let r = try run(["lint", "--help"])
        #expect(r.code == 0)
        #expect(r.out.contains("USAGE: jmap-relay lint <file> [<options>]"))
        #expect(r.out.contains("  eventsource-content-encoding          warning"))
    }
}
