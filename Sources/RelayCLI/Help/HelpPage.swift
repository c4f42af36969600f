/// One help page in swift-argument-parser's layout: OVERVIEW, USAGE, ARGUMENTS, OPTIONS, the
/// page's own sections, EXIT STATUS, SUBCOMMANDS. Built from the declarations the parser reads
/// (``CommandDeclaration/page``), rendered for the terminal and for the CLI reference.
struct HelpPage: Sendable {
    /// The subcommand; nil for the main page.
    var name: String?
    var abstract: String
    var overview: String
    var usage: String
    var arguments: [HelpEntry] = []
    var options: [HelpEntry]
    var sections: [HelpSection] = []
    var exitCodes: [ExitCodeDescription] = []
    var subcommands: [HelpEntry] = []

    /// `-h, --help`, answered before a subcommand parses anything.
    static let helpOption = HelpEntry(names: ["-h", "--help"], label: "-h, --help", help: "Show help information.")

    /// The page's `Usage:` line, printed under a usage error.
    var usageLine: String { "Usage: jmap-relay \(usage)" }

    /// The page as `--help` prints it.
    var text: String {
        var out = HelpLayout.wrap("OVERVIEW: " + overview, width: HelpLayout.width)
        out += "\n\nUSAGE: jmap-relay \(usage)"
        func table(_ title: String, _ entries: [HelpEntry]) {
            guard !entries.isEmpty else { return }
            out += "\n\n\(title):\n" + entries.map(HelpLayout.entry).joined(separator: "\n")
        }
        table("ARGUMENTS", arguments)
        table("OPTIONS", options)
        for s in sections { out += "\n\n\(s.title):\n\(s.body)" }
        table("EXIT STATUS", exitCodes.map { HelpEntry(names: [], label: String($0.code), help: $0.meaning) })
        table("SUBCOMMANDS", subcommands)
        if !subcommands.isEmpty { out += "\n\n  See 'jmap-relay help <subcommand>' for detailed help." }
        return out
    }
}

/// A row of a help table: an option, an argument, an exit code or a subcommand.
struct HelpEntry: Sendable, Equatable {
    /// The spellings the row stands for (`-o`, `--output`); empty for an exit code.
    var names: [String]
    var label: String
    var help: String
    var defaultText: String? = nil

    /// The help paragraph with its default, as printed.
    var fullHelp: String { help + (defaultText.map { " (default: \($0))" } ?? "") }
}

/// A section of a help page laid out by hand (a table of fault actions, the lint rules).
struct HelpSection: Sendable, Equatable {
    var title: String
    /// Printed as is, each line indented by the author.
    var body: String
}

/// Column widths and word wrapping, as swift-argument-parser lays out help on an 80-column
/// terminal: labels from column 2, help from column 26.
enum HelpLayout {
    static let width = 80
    static let helpColumn = 26

    static func entry(_ e: HelpEntry) -> String {
        let label = "  " + e.label
        let indent = String(repeating: " ", count: helpColumn)
        let body = wrap(e.fullHelp, width: width - helpColumn).split(separator: "\n", omittingEmptySubsequences: false)
            .map { indent + $0 }.joined(separator: "\n")
        if label.count <= helpColumn - 2 {
            return label + String(body.dropFirst(label.count))
        }
        return label + "\n" + body
    }

    /// Wraps each paragraph (separated by a blank line) to `width` columns, at spaces.
    static func wrap(_ text: String, width: Int) -> String {
        text.components(separatedBy: "\n\n").map { paragraph in
            var lines: [String] = []
            var line = ""
            for word in paragraph.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
                if line.isEmpty {
                    line = String(word)
                } else if line.count + 1 + word.count <= width {
                    line += " " + word
                } else {
                    lines.append(line)
                    line = String(word)
                }
            }
            lines.append(line)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n\n")
    }
}
