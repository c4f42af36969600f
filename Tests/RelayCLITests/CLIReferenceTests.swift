import Foundation
import Testing

@testable import RelayCLI

/// The reference's CLI article is generated from the help declarations; `RECORD_SNAPSHOTS=1
/// swift test --filter CLIReferenceTests` rewrites it.
@Suite struct CLIReferenceTests {
    static let path = "Sources/JMAPRelay/JMAPRelay.docc/CLIReference.md"

    @Test func theCLIReferenceIsTheProgramsHelp() throws {
        let url = repositoryRoot.appendingPathComponent(Self.path)
        let generated = CLIReference.markdown()
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try generated.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let onDisk = try String(contentsOf: url, encoding: .utf8)
        #expect(onDisk == generated, "\(Self.path) is stale: run RECORD_SNAPSHOTS=1 swift test --filter CLIReferenceTests")
    }

    @Test func everySubcommandAndOptionIsInTheReference() {
        let page = CLIReference.markdown()
        for sub in HelpText.subcommands {
            #expect(page.contains("## jmap-relay \(sub.name!)\n"))
            for o in sub.options { #expect(page.contains("| `\(o.label)` |"), "\(sub.name!) \(o.label)") }
            for c in sub.exitCodes { #expect(page.contains("| \(c.code) | "), "\(sub.name!) exit \(c.code)") }
        }
    }
}
