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

    /// Parses the arguments after the program name.
    static func parse(_ args: [String]) throws -> Command {
        guard let first = args.first else { return .help(nil) }
        let rest = Array(args.dropFirst())
        switch first {
        case "-h", "--help": return .help(nil)
        case "--version": return .version
        case "help": return .help(rest.first)
        case "serve":
            if rest.contains("--help") || rest.contains("-h") { return .help("serve") }
            let o = try ServeOptions.parse(rest)
            if let r = o.record, r.file.isEmpty {
                throw UsageError("'--record-mode', '--redact', '--pseudonymize' and '--normalize-ids' need '--record FILE'", command: "serve")
            }
            return .serve(o)
        case "replay":
            if rest.contains("--help") || rest.contains("-h") { return .help("replay") }
            return .replay(try ReplayOptions.parse(rest))
        case "lint":
            if rest.contains("--help") || rest.contains("-h") { return .help("lint") }
            return .lint(try LintOptions.parse(rest))
        case "inspect":
            if rest.contains("--help") || rest.contains("-h") { return .help("inspect") }
            return .inspect(try InspectOptions.parse(rest))
        case "export-har":
            if rest.contains("--help") || rest.contains("-h") { return .help("export-har") }
            return .exportHAR(try ExportHAROptions.parse(rest))
        case "normalize":
            if rest.contains("--help") || rest.contains("-h") { return .help("normalize") }
            return .normalize(try NormalizeOptions.parse(rest))
        default:
            if first.hasPrefix("-") { throw UsageError("unknown option '\(first)'") }
            throw UsageError("unknown subcommand '\(first)'")
        }
    }
}
