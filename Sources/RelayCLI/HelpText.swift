import JMAPRelay

/// Every help page, generated from the subcommands' declarations (``CommandDeclaration``).
enum HelpText {
    /// The subcommands' pages, in the order the main page lists them.
    static let subcommands: [HelpPage] = [
        ServeOptions.command.page, ReplayOptions.command.page, LintOptions.command.page,
        InspectOptions.command.page, ExportHAROptions.command.page, NormalizeOptions.command.page, CAOptions.command.page,
    ]

    /// `-h, --help` and `--version`, read by ``Command/parse(_:)`` before any subcommand.
    static let mainOptions = [
        HelpEntry(names: ["--version"], label: "--version", help: "Show the version."),
        HelpPage.helpOption,
    ]

    static let mainPage = HelpPage(
        name: nil,
        abstract: "A local JMAP proxy and debugging relay.",
        overview: "A local JMAP proxy and debugging relay: forwards a JMAP client's traffic to the real server, "
            + "rewrites the session so the client keeps coming back, and prints every method call.",
        usage: "<subcommand>",
        options: mainOptions,
        exitCodes: [ExitCodeDescription(code: 0, meaning: "Help or version printed."), .usage],
        subcommands: subcommands.map { HelpEntry(names: [$0.name ?? ""], label: $0.name ?? "", help: $0.abstract) })

    /// The page for a subcommand (nil: the main page); nil for a name that is no subcommand.
    static func page(for command: String?) -> HelpPage? {
        guard let command else { return mainPage }
        return subcommands.first { $0.name == command }
    }

    static func text(for command: String?) -> String? { page(for: command)?.text }

    static func usageLine(for command: String?) -> String {
        page(for: command).flatMap { $0.name == nil ? nil : $0.usageLine } ?? "Usage: jmap-relay <subcommand> [<options>]"
    }
}
