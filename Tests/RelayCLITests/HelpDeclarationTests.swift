import Testing

@testable import RelayCLI

/// Help and parser read the same declarations; these tests hold them to it from both sides.
@Suite struct HelpDeclarationTests {
    /// The option spellings a help page lists under OPTIONS, read back from the printed text.
    static func optionNames(inHelp text: String) -> Set<String> {
        guard let start = text.range(of: "\nOPTIONS:\n") else { return [] }
        var names: Set<String> = []
        for line in text[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { break }
            guard line.hasPrefix("  -") else { continue }
            let label = line.dropFirst(2).split(separator: " ", omittingEmptySubsequences: true)
            for word in label {
                guard word.hasPrefix("-") else { break }
                names.insert(String(word.hasSuffix(",") ? word.dropLast() : word))
            }
        }
        return names
    }

    /// The error the parser gives for `args`, or nil when it accepts them.
    static func parseError(_ args: [String]) -> String? {
        do {
            _ = try Command.parse(args)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: HelpText.subcommands.map { $0.name! })
    func everyOptionInHelpIsAcceptedByTheParser(_ command: String) throws {
        let help = try #require(HelpText.text(for: command))
        let names = Self.optionNames(inHelp: help)
        #expect(names.count >= 2, "\(command): help lists no options")
        for name in names {
            // With or without a value: anything but "unknown option" means the parser knows it.
            for args in [[command, name], [command, name, "x"]] {
                let error = Self.parseError(args)
                #expect(error?.hasPrefix("unknown option") != true, "\(args): \(error ?? "")")
            }
        }
        #expect(Self.parseError([command, "--no-such-option"]) == "unknown option '--no-such-option'")
    }

    @Test func everyOptionTheParserAcceptsIsInItsHelp() throws {
        let accepted: [String: [String]] = [
            "serve": ServeOptions.command.acceptedNames, "replay": ReplayOptions.command.acceptedNames,
            "lint": LintOptions.command.acceptedNames, "inspect": InspectOptions.command.acceptedNames,
            "export-har": ExportHAROptions.command.acceptedNames, "normalize": NormalizeOptions.command.acceptedNames,
            "ca": CAOptions.command.acceptedNames,
        ]
        #expect(Set(accepted.keys) == Set(HelpText.subcommands.compactMap(\.name)), "a subcommand without help, or help without a subcommand")
        for (command, names) in accepted {
            let help = Self.optionNames(inHelp: try #require(HelpText.text(for: command)))
            #expect(Set(names) == help, "\(command)")
            #expect(Set(names).count == names.count, "\(command): a name declared twice")
        }
        #expect(Self.optionNames(inHelp: HelpText.mainPage.text) == ["--version", "-h", "--help"])
        for main in ["--version", "-h", "--help"] { #expect(Self.parseError([main]) == nil) }
    }

    @Test func everySubcommandOnTheMainPageParses() {
        for page in HelpText.subcommands {
            let error = Self.parseError([page.name!])
            #expect(error?.hasPrefix("unknown subcommand") != true, "\(page.name!)")
        }
    }

    @Test func declaredDefaultsAreTheValuesTheOptionsStartFrom() throws {
        var serve = ServeOptions()
        serve.upstream = "http://x"
        #expect(try ServeOptions.command.parse(["--upstream", "http://x"]) == serve)
        var replay = ReplayOptions()
        replay.file = ReplayOptions.defaultRecording
        #expect(try ReplayOptions.command.parse([]) == replay)
        var lint = LintOptions()
        lint.file = "f"
        #expect(try LintOptions.command.parse(["f"]) == lint)
    }

    @Test func helpWrapsToEightyColumnsOutsideHandMadeSections() throws {
        for page in HelpText.subcommands + [HelpText.mainPage] {
            var text = page.text
            for s in page.sections { text = text.replacingOccurrences(of: s.body, with: "") }
            for line in text.split(separator: "\n") { #expect(line.count <= HelpLayout.width, "\(page.name ?? "main"): \(line)") }
        }
    }
}
