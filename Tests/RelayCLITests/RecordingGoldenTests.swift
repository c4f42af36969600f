import Foundation
import JMAPRelay
import RelayTestSupport
import Testing

/// The offline commands on every shipped recording, byte for byte against golden files made
/// before the commands read recordings as a stream: streaming must not change a byte.
@Suite struct RecordingGoldenTests {
    static let recordings = ["sync", "fastmail-demo", "push-demo"]

    static func golden(_ name: String) throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent("Tests/RelayCoreTests/Fixtures/\(name)"), encoding: .utf8)
    }

    static func run(_ args: [String]) throws -> (code: Int32, out: String, err: String) {
        try RelayCLITests.run(args, in: repositoryRoot)
    }

    @Test(arguments: recordings)
    func inspectMatchesTheGoldenFiles(_ base: String) throws {
        for calls in [false, true] {
            let r = try Self.run(["inspect", "recordings/\(base).jsonl"] + (calls ? ["--calls"] : []))
            #expect(r.code == 0, "\(r.err)")
            #expect(r.out == (try Self.golden("\(base).inspect\(calls ? "-calls" : "").txt")), "\(base) calls: \(calls)")
        }
    }

    @Test(arguments: recordings)
    func lintMatchesTheGoldenFiles(_ base: String) throws {
        let text = try Self.run(["lint", "recordings/\(base).jsonl"])
        #expect(text.out == (try Self.golden("\(base).lint.txt")))
        let json = try Self.run(["lint", "recordings/\(base).jsonl", "--format", "json"])
        #expect(json.out == (try Self.golden("\(base).lint.json")))
        #expect(text.code == json.code)
    }

    @Test(arguments: recordings)
    func exportHARMatchesTheGoldenFile(_ base: String) throws {
        let r = try Self.run(["export-har", "recordings/\(base).jsonl"])
        #expect(r.code == 0, "\(r.err)")
        // Golden files carry the creator version "test".
        let version = RelayVersion.string.replacingOccurrences(of: "jmap-relay ", with: "")
        #expect(r.out.replacingOccurrences(of: "\"version\": \"\(version)\"", with: "\"version\": \"test\"") == (try Self.golden("\(base).har")))
    }

    @Test(arguments: recordings)
    func normalizeMatchesTheGoldenFile(_ base: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("golden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("\(base).jsonl").path
        let r = try Self.run(["normalize", "recordings/\(base).jsonl", "-o", out])
        #expect(r.code == 0, "\(r.err)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == (try Self.golden("\(base).normalized.jsonl")))
        let expected = [
            "sync": "5 of 7 lines changed; 1 account, 3 ids, 1 blob id, 6 states replaced",
            "fastmail-demo": "7 of 9 lines changed; 1 account, 4 ids, 2 blob ids, 7 states replaced",
            "push-demo": "5 of 8 lines changed; 1 account, 2 ids, 0 blob ids, 3 states replaced",
        ][base]!
        #expect(r.out == "\(out): \(expected)\n")
    }
}
