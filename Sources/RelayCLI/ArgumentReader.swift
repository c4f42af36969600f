/// Walks `--name value`, `--name=value` and flags, collecting what a subcommand accepts and
/// rejecting anything else with a clear message.
struct ArgumentReader {
    private var args: [String]
    private var index = 0
    let command: String

    init(_ args: [String], command: String) {
        self.args = args
        self.command = command
    }

    /// The next option name and its inline value (`--x=1`), or a positional argument.
    enum Token: Equatable {
        case option(String, inline: String?)
        case positional(String)
    }

    mutating func next() -> Token? {
        guard index < args.count else { return nil }
        let a = args[index]
        index += 1
        if a.hasPrefix("--"), a.count > 2 {
            if let eq = a.firstIndex(of: "=") {
                return .option(String(a[..<eq]), inline: String(a[a.index(after: eq)...]))
            }
            return .option(a, inline: nil)
        }
        if a.hasPrefix("-"), a.count == 2 { return .option(a, inline: nil) }
        return .positional(a)
    }

    /// The value of option `name`: inline or the next argument.
    mutating func value(for name: String, inline: String?) throws -> String {
        if let inline { return inline }
        guard index < args.count, !args[index].hasPrefix("--") else {
            throw UsageError("missing value for '\(name)'", command: command)
        }
        defer { index += 1 }
        return args[index]
    }

    /// A flag must not carry a value.
    func flag(_ name: String, inline: String?) throws {
        if inline != nil { throw UsageError("'\(name)' takes no value", command: command) }
    }
}
