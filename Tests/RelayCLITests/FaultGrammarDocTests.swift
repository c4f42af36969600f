import Foundation
import JMAPRelay
import Testing

@testable import RelayCLI

/// Every action the fault parser knows is in `help serve` and has its own worked scenario in
/// the reference, and every scenario's command parses.
@Suite struct FaultGrammarDocTests {
    static let article = "Sources/JMAPRelay/JMAPRelay.docc/FaultGrammar.md"

    @Test func everyActionIsInTheHelpAndHasAScenario() throws {
        let page = try String(contentsOf: repositoryRoot.appendingPathComponent(Self.article), encoding: .utf8)
        for name in FaultSpec.actionNames {
            #expect(FaultHelp.section.body.contains(name), "help serve does not name \(name)")
            #expect(page.contains("\n### `\(name)`\n"), "\(Self.article) has no section for \(name)")
        }
        let headings = page.split(separator: "\n").filter { $0.hasPrefix("### `") }.map { $0.dropFirst(5).prefix { $0 != "`" } }
        #expect(Set(headings.map(String.init)) == Set(FaultSpec.actionNames), "a section for an action the parser does not know")
    }

    @Test func everyScenarioCommandParses() throws {
        let page = try String(contentsOf: repositoryRoot.appendingPathComponent(Self.article), encoding: .utf8)
        let commands = page.split(separator: "\n").filter { $0.hasPrefix("jmap-relay replay") || $0.hasPrefix("swift run -c release jmap-relay replay") }
        #expect(commands.count >= FaultSpec.actionNames.count)
        for line in commands {
            // The scenario's words, quotes removed: `--fault 'a b'` is one argument.
            var args: [String] = []
            var current = ""
            var quoted = false
            let afterSubcommand = try #require(line.range(of: "jmap-relay replay ")).upperBound
            for ch in line[afterSubcommand...] {
                if ch == "'" { quoted.toggle(); continue }
                if ch == " ", !quoted {
                    if !current.isEmpty { args.append(current) }
                    current = ""
                } else {
                    current.append(ch)
                }
            }
            if !current.isEmpty { args.append(current) }
            switch Result(catching: { try Command.parse(["replay"] + args) }) {
            case .success(.replay(let o)): #expect(!o.common.faults.isEmpty || !args.contains("--fault"), "\(line)")
            case .success(let other): Issue.record("\(line): parsed as \(other)")
            case .failure(let e): Issue.record("\(line): \(e)")
            }
        }
    }
}
