import Foundation
import JMAPRelay

/// `jmap-relay lint FILE [--format text|json] [--lint-ignore ID]…`.
struct LintOptions: Equatable, CommandOptions {
    /// How findings are printed.
    enum Format: String, Equatable {
        /// Grouped by rule, for a person.
        case text
        /// One JSON object, for a machine.
        case json
    }

    var file = ""
    var format = Format.text
    /// Rule ids switched off, in the order given.
    var ignored: [String] = []
    var quiet = false

    static let command = CommandDeclaration<LintOptions>(
        name: "lint",
        abstract: "Check a recording for what a stricter JMAP server would reject.",
        overview: """
            Check a recording for what a stricter JMAP server (or client) would reject.

            Every exchange is checked in order against RFC 8620/8621/8887 rules about the client (capabilities in \
            'using', result references, limits, states, retries) and the server (session properties and URLs, call \
            ids, newState, Content-Type). Each finding names its rule, level, RFC section, exchange #seq and call id.
            """,
        usage: "lint <file> [<options>]",
        argument: ArgumentDeclaration(
            name: "file", help: "The recording (.jsonl, from 'serve --record').", missing: "missing the recording to lint",
            apply: { o, v in o.file = v }),
        options: [
            .value("--format", valueName: "format", default: .value("text"), help: "text (grouped by rule) or json.") { o, v, c in
                guard let f = Format(rawValue: v) else { throw UsageError("'--format' must be text or json (got '\(v)')", command: c) }
                o.format = f
            },
            .value("--lint-ignore", valueName: "id", help: "Switch a rule off; repeatable, or a comma list.") { o, v, c in
                for id in v.split(separator: ",").map({ $0.trimmingASCIIWhitespace() }) {
                    guard LintRules.rule(id: id) != nil else {
                        throw UsageError("'--lint-ignore': no rule '\(id)' (see 'jmap-relay help lint')", command: c)
                    }
                    if !o.ignored.contains(id) { o.ignored.append(id) }
                }
            },
            ProgressLine.quietFlag { $0.quiet = true },
        ],
        sections: [HelpSection(title: "RULES", body: ruleList)],
        exitCodes: [
            ExitCodeDescription(code: 0, meaning: "No finding is an error."),
            ExitCodeDescription(code: 1, meaning: "At least one finding is an error."),
            .usage, .corrupt, .unreadable,
        ])

    /// One line per lint rule: id and level.
    static var ruleList: String {
        LintRules.all.map { "  \($0.id)\(String(repeating: " ", count: max(2, 38 - $0.id.count)))\($0.level.rawValue)" }
            .joined(separator: "\n")
    }
}

/// Runs `lint`: reads the recording as a stream, checks every exchange in order (the linter
/// keeps only the context its rules need across exchanges), prints the report.
enum LintCommand {
    /// Exit code: 1 when any finding is an error, 0 otherwise, 65 for a corrupt recording.
    static func run(_ o: LintOptions) -> Int32 {
        var linter = Linter(ignoring: Set(o.ignored))
        var findings: [LintFinding] = []
        // A long session repeats the same findings word for word: each text is kept once.
        var texts = Set<String>()
        var exchangeCount = 0
        do {
            _ = try CLI.streamRecording(o.file, quiet: o.quiet) { line in
                guard case .exchange(let e) = line else { return }
                exchangeCount += 1
                for var f in linter.check(e) {
                    f.message = texts.insert(f.message).memberAfterInsert
                    f.callId = f.callId.map { texts.insert($0).memberAfterInsert }
                    findings.append(f)
                }
            }
        } catch {
            return error.code
        }
        let report = LintReport(findings: findings, exchangeCount: exchangeCount, rules: linter.rules, ignored: o.ignored)
        switch o.format {
        case .text: print(report.text(), terminator: "")
        case .json: print(report.json().serializedString())
        }
        return report.hasErrors ? 1 : 0
    }
}
