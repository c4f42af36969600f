/// The CLI reference article (`Sources/JMAPRelay/JMAPRelay.docc/CLIReference.md`), generated
/// from the same help pages `--help` prints, so the page cannot drift from the program.
enum CLIReference {
    static func markdown() -> String {
        var out = """
            # CLI reference

            Every subcommand of `jmap-relay`, its options and its exit codes.

            <!-- Generated from the option declarations in Sources/RelayCLI: edit those, then run
                 RECORD_SNAPSHOTS=1 swift test --filter CLIReferenceTests -->

            ```
            \(HelpText.mainPage.text)
            ```

            Options take their value as the next argument or after `=` (`--listen=127.0.0.1:0`).
            Bad input prints one `Error:` line and the usage line on stderr and exits 64.

            """
        for page in HelpText.subcommands { out += "\n" + section(page) }
        return out
    }

    static func section(_ page: HelpPage) -> String {
        var out = "## jmap-relay \(page.name ?? "")\n\n"
        out += page.overview.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n")
            .components(separatedBy: "\n\n").map(text).joined(separator: "\n\n")
        out += "\n\n```\njmap-relay \(page.usage)\n```\n"
        if !page.arguments.isEmpty || !page.options.isEmpty {
            out += "\n| argument or option | default | meaning |\n|---|---|---|\n"
            for e in page.arguments + page.options {
                out += "| `\(e.label)` | \(e.defaultText.map { "`\($0)`" } ?? "") | \(text(e.help)) |\n"
            }
        }
        for s in page.sections {
            out += "\n### \(s.title.prefix(1) + s.title.dropFirst().lowercased())\n\n```\n\(s.body)\n```\n"
        }
        out += "\n### Exit status\n\n| code | meaning |\n|---|---|\n"
        for c in page.exitCodes { out += "| \(c.code) | \(text(c.meaning)) |\n" }
        return out
    }

    /// Help prose as Markdown: `<url>` would read as an HTML tag and `|` would end a cell.
    static func text(_ s: String) -> String {
        s.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: "|", with: "\\|")
    }
}
