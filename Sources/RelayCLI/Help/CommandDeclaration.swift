/// Options a subcommand parses into: made empty, then filled by its declarations.
protocol CommandOptions: Sendable {
    init()
    /// The subcommand's declaration: what it accepts and what its help says.
    static var command: CommandDeclaration<Self> { get }
}

/// A subcommand declared once: the parser and the help page both read it.
struct CommandDeclaration<Options: CommandOptions>: Sendable {
    var name: String
    /// One line for the main help's SUBCOMMANDS list.
    var abstract: String
    /// Paragraphs (blank-line separated) for OVERVIEW; help wraps them.
    var overview: String
    /// The synopsis after `jmap-relay `, e.g. `serve --upstream <url> [<options>]`.
    var usage: String
    var argument: ArgumentDeclaration<Options>?
    var options: [OptionDeclaration<Options>]
    /// Extra sections after OPTIONS (`FAULTS`, `RULES`), laid out by hand.
    var sections: [HelpSection] = []
    var exitCodes: [ExitCodeDescription]
    /// Checks that need every option read (`--upstream` is required); throws a ``UsageError``.
    var validate: @Sendable (inout Options) throws -> Void = { _ in }

    /// Reads `args` (after the subcommand's name) into options: declared defaults first, then
    /// the arguments in order, then `validate`.
    func parse(_ args: [String]) throws -> Options {
        var o = Options()
        for d in options {
            if case .value(let v)? = d.defaultValue { try d.apply(&o, v, name) }
        }
        var r = ArgumentReader(args, command: name)
        var positionalSeen = false
        while let t = r.next() {
            switch t {
            case .positional(let p):
                guard let argument, !positionalSeen else { throw UsageError("unexpected argument '\(p)'", command: name) }
                positionalSeen = true
                argument.apply(&o, p)
            case .option(let n, let inline):
                guard let d = options.first(where: { $0.names.contains(n) }) else {
                    throw UsageError("unknown option '\(n)'", command: name)
                }
                if d.valueName == nil {
                    try r.flag(n, inline: inline)
                    try d.apply(&o, "", name)
                } else {
                    try d.apply(&o, try r.value(for: n, inline: inline), name)
                }
            }
        }
        if let argument, !positionalSeen {
            guard let v = argument.defaultValue else { throw UsageError(argument.missing, command: name) }
            argument.apply(&o, v)
        }
        try validate(&o)
        return o
    }

    /// Every spelling the parser accepts after the subcommand, `-h` and `--help` included.
    var acceptedNames: [String] { options.flatMap(\.names) + HelpPage.helpOption.names }

    /// The help page, without the parser's closures.
    var page: HelpPage {
        HelpPage(
            name: name, abstract: abstract, overview: overview, usage: usage,
            arguments: argument.map { a in
                [HelpEntry(names: ["<\(a.name)>"], label: "<\(a.name)>", help: a.help, defaultText: a.defaultValue)]
            } ?? [],
            options: options.map { HelpEntry(names: $0.names, label: $0.label, help: $0.help, defaultText: $0.defaultValue?.text) }
                + [HelpPage.helpOption],
            sections: sections, exitCodes: exitCodes)
    }
}

/// What an exit code of a subcommand means.
struct ExitCodeDescription: Sendable, Equatable {
    var code: Int32
    var meaning: String

    /// 64, shared by every subcommand.
    static let usage = ExitCodeDescription(code: 64, meaning: "Bad usage: an error line and the usage line on stderr.")
    static let corrupt = ExitCodeDescription(code: 65, meaning: "The recording is corrupt; the error names the line and the reason.")
    static let unreadable = ExitCodeDescription(code: 66, meaning: "The recording cannot be read.")
}
