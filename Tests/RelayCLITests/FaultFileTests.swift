import Foundation
import Testing

@testable import RelayCLI

@Suite struct FaultFileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func everyShippedScenarioLoads() throws {
        let dir = Self.root.appendingPathComponent("tools/faults")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }
        #expect(files.count >= 5)
        for f in files {
            let loaded = try FaultFile.load(path: dir.appendingPathComponent(f).path, command: "replay")
            #expect(!loaded.rules.isEmpty, "\(f)")
        }
        let retry = try FaultFile.load(path: dir.appendingPathComponent("retry-backoff.json").path, command: "replay")
        #expect(retry.seed == 1)
        #expect(retry.rules.map(\.spec) == [
            "endpoint=api action=status:503 retry-after=1 nth=1", "endpoint=api action=status:429 retry-after=2 nth=2",
        ])
    }

    @Test func textFilesHaveOneSpecPerLineAndNameTheBadLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("faults-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "# comment\ncall=Email/set action=method-error:serverFail\n\naction=reset # trailing\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try FaultFile.load(path: path, command: "serve").rules.count == 2)
        try "action=reset\naction=wobble\n".write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try FaultFile.load(path: path, command: "serve")
            Issue.record("a bad line was accepted")
        } catch let e as UsageError {
            #expect(e.message.contains("line 2: unknown action 'wobble'"))
        }
    }
}
