/// What the command line asked for, decided before anything runs.
enum Command: Equatable {
    /// `--help`, `help [subcommand]`.
    case help(String?)
    /// `--version`.
    case version
    /// `serve …`.
    case serve(ServeOptions)

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
            return .serve(try ServeOptions.parse(rest))
        default:
            if first.hasPrefix("-") { throw UsageError("unknown option '\(first)'") }
            throw UsageError("unknown subcommand '\(first)'")
        }
    }
}
