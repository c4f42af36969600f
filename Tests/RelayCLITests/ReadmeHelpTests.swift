import Foundation
import Testing

@testable import RelayCLI

/// The README's `--help` section is the program's own help, generated; `RECORD_SNAPSHOTS=1
/// swift test --filter readmeHelp` rewrites it.
@Suite struct ReadmeHelpTests {
    static let commands: [String?] = [nil, "serve", "replay", "lint", "inspect", "export-har", "normalize"]

    static func generated() -> String {
        commands.map { c in
            let text = HelpText.text(for: c) ?? ""
            return "```\n$ jmap-relay \(c.map { "help \($0)" } ?? "--help")\n\(text)\n```\n"
        }.joined(separator: "\n")
    }

    @Test func readmeHelpMatchesTheProgram() throws {
        let url = repositoryRoot.appendingPathComponent("README.md")
        let readme = try String(contentsOf: url, encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- help:begin -->\n"))
        let end = try #require(readme.range(of: "<!-- help:end -->"))
        let help = Self.generated()
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try readme.replacingCharacters(in: begin.upperBound..<end.lowerBound, with: help).write(to: url, atomically: true, encoding: .utf8)
            return
        }
        #expect(String(readme[begin.upperBound..<end.lowerBound]) == help)
    }

    @Test func everySubcommandHasHelp() {
        for c in Self.commands { #expect(HelpText.text(for: c) != nil, "\(c ?? "main")") }
    }
}
