/// What the command line asked for, decided before anything runs.
enum Command: Equatable {
    /// `--help`, `help [subcommand]`.
    case help(String?)
    /// `--version`.
    case version
    /// `serve …`.
    case serve(ServeOptions)
    /// `replay …`.
    case replay(ReplayOptions)
    /// `lint …`.
    case lint(LintOptions)
    /// `inspect …`.
    case inspect(InspectOptions)
    /// `export-har …`.
    case exportHAR(ExportHAROptions)
    /// `normalize …`.
    case normalize(NormalizeOptions)
    /// `ca …`.
    case ca(CAOptions)

    /// Parses the arguments after the program name.
    static func parse(_ args: [String]) throws -> Command {
        guard let first = args.first else { return .help(nil) }
        let rest = Array(args.dropFirst())
        switch first {
        case "-h", "--help": return .help(nil)
        case "--version": return .version
        case "help": return .help(rest.first)
        case "serve": return rest.asksForHelp ? .help(first) : .serve(try ServeOptions.command.parse(rest))
        case "replay": return rest.asksForHelp ? .help(first) : .replay(try ReplayOptions.command.parse(rest))
        case "lint": return rest.asksForHelp ? .help(first) : .lint(try LintOptions.command.parse(rest))
        case "inspect": return rest.asksForHelp ? .help(first) : .inspect(try InspectOptions.command.parse(rest))
        case "export-har": return rest.asksForHelp ? .help(first) : .exportHAR(try ExportHAROptions.command.parse(rest))
        case "normalize": return rest.asksForHelp ? .help(first) : .normalize(try NormalizeOptions.command.parse(rest))
        case "ca": return rest.asksForHelp ? .help(first) : .ca(try CAOptions.command.parse(rest))
        default:
            if first.hasPrefix("-") { throw UsageError("unknown option '\(first)'") }
            throw UsageError("unknown subcommand '\(first)'")
        }
    }
}

extension [String] {
    /// `-h` or `--help` anywhere after a subcommand shows its help instead of running it.
    fileprivate var asksForHelp: Bool { contains("--help") || contains("-h") }
}
