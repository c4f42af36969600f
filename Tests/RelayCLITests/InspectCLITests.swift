import Foundation
import JMAPRelay
import RelayTestSupport
import Testing

/// `inspect` and `export-har` on the built binary.
@Suite struct InspectCLITests {
    static let root = repositoryRoot

    static func run(_ args: [String]) throws -> (code: Int32, out: String, err: String) {
        try RelayCLITests.run(args, in: root)
    }

    static func golden(_ name: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent("Tests/RelayCoreTests/Fixtures/\(name)"), encoding: .utf8)
    }

    static func tempPath(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)\(suffix)").path
    }

    @Test(arguments: [("sync.jsonl", false), ("fastmail-demo.jsonl", true)])
    func inspectPrintsTheSummary(_ name: String, _ calls: Bool) throws {
        let r = try Self.run(["inspect", "recordings/\(name)"] + (calls ? ["--calls"] : []))
        #expect(r.code == 0, "\(r.err)")
        let base = name.replacingOccurrences(of: ".jsonl", with: "")
        #expect(r.out == (try Self.golden("\(base).inspect\(calls ? "-calls" : "").txt")))
    }

    @Test func exportHARWritesToStdoutOrAFile() throws {
        let golden = try Self.golden("fastmail-demo.har")
        let stdout = try Self.run(["export-har", "recordings/fastmail-demo.jsonl"])
        #expect(stdout.code == 0, "\(stdout.err)")
        let har = try JSONParser.parse(Array(stdout.out.utf8))
        #expect(HARValidator.problems(har) == [])
        // Only the creator version differs from the golden file (made with version "test").
        #expect(stdout.out.replacingOccurrences(of: "\"version\": \"0.1.0\"", with: "\"version\": \"test\"") == golden)

        let out = Self.tempPath(".har")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let file = try Self.run(["export-har", "recordings/fastmail-demo.jsonl", "-o", out])
        #expect(file.code == 0)
        #expect(file.out.isEmpty)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == stdout.out)
    }

    @Test(arguments: ["inspect", "export-har"])
    func aCorruptRecordingExits65WithTheLine(_ command: String) throws {
        let path = Self.tempPath(".jsonl")
        try "{\"kind\":\"header\",\"v\":1,\"upstream\":\"http://a\"}\n{\"kind\":\"exchange\",\"req\":{\"method\":\"GET\",\"target\":\"/\"},\"res\":{\"status\":200}}\n[1,\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try Self.run([command, path])
        #expect(r.code == 65)
        #expect(r.err.contains("line 3: not JSON"))
        #expect(r.out.isEmpty)
        #expect(try Self.run([command, Self.tempPath(".missing")]).code == 66)
    }

    @Test(arguments: [["inspect"], ["inspect", "a", "b"], ["inspect", "a", "--bogus"], ["inspect", "a", "--calls=yes"],
                      ["export-har"], ["export-har", "a", "-o"], ["export-har", "a", "--calls"]])
    func badUsageExits64(_ args: [String]) throws {
        let r = try Self.run(args)
        #expect(r.code == 64, "\(args)")
        let lines = r.err.split(separator: "\n")
        #expect(lines.first?.hasPrefix("Error: ") == true)
        #expect(lines.count >= 2 && lines[1].hasPrefix("Usage: jmap-relay \(args[0]) "))
    }

    @Test func helpListsAndDescribesBoth() throws {
        let main = try Self.run(["--help"])
        #expect(main.out.contains("  inspect ") && main.out.contains("  export-har "))
        #expect(try Self.run(["inspect", "--help"]).out.contains("--calls"))
        #expect(try Self.run(["help", "export-har"]).out.contains("-o, --output <file>"))
    }
}
