import Foundation
import JMAPRelay

/// `jmap-relay lint FILE [--format text|json] [--lint-ignore ID]…`.
struct LintOptions: Equatable {
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

    static func parse(_ args: [String]) throws -> LintOptions {
        var o = LintOptions()
        var r = ArgumentReader(args, command: "lint")
        while let t = r.next() {
            switch t {
            case .positional(let p):
                guard o.file.isEmpty else { throw UsageError("unexpected argument '\(p)'", command: "lint") }
                o.file = p
            case .option(let name, let inline):
                switch name {
                case "--format":
                    let v = try r.value(for: name, inline: inline)
                    guard let f = Format(rawValue: v) else {
                        throw UsageError("'--format' must be text or json (got '\(v)')", command: "lint")
                    }
                    o.format = f
                case "--lint-ignore":
                    for id in try r.value(for: name, inline: inline).split(separator: ",").map({ $0.trimmingASCIIWhitespace() }) {
                        guard LintRules.rule(id: id) != nil else {
                            throw UsageError("'--lint-ignore': no rule '\(id)' (see 'jmap-relay help lint')", command: "lint")
                        }
                        if !o.ignored.contains(id) { o.ignored.append(id) }
                    }
                default:
                    throw UsageError("unknown option '\(name)'", command: "lint")
                }
            }
        }
        guard !o.file.isEmpty else { throw UsageError("missing the recording to lint", command: "lint") }
        return o
    }
}

/// Runs `lint`: loads the recording, checks every exchange in order, prints the report.
enum LintCommand {
    /// Exit code: 1 when any finding is an error, 0 otherwise, 65 for a corrupt recording.
    static func run(_ o: LintOptions) -> Int32 {
        let recording: Recording
        do {
            recording = try RecordingFile.load(path: o.file)
        } catch let e as RecordingError {
            CLI.printErr("Error: \(o.file): \(e)")
            return 65
        } catch {
            CLI.printErr("Error: \(error)")
            return 66
        }
        for w in recording.warnings { CLI.printErr("jmap-relay: warning: \(o.file): \(w)") }
        var linter = Linter(ignoring: Set(o.ignored))
        let findings = linter.lint(recording.exchanges)
        let report = LintReport(findings: findings, exchangeCount: recording.exchanges.count, rules: linter.rules,
                                ignored: o.ignored)
        switch o.format {
        case .text: print(report.text(), terminator: "")
        case .json: print(report.json().serializedString())
        }
        return report.hasErrors ? 1 : 0
    }
}
