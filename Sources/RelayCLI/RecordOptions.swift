import JMAPRelay

/// `--record FILE`, `--record-mode`, `--redact PATH`, `--pseudonymize`, `--normalize-ids`.
struct RecordOptions: Equatable, Sendable {
    var file = ""
    var mode: RecordMode = .all
    var redactPaths: [String] = []
    var pseudonymize = false
    /// Replace server-assigned ids and states by stable tokens as they are recorded.
    var normalizeIds = false

    /// Any of these but `--record` alone leaves `file` empty, which `serve` refuses.
    static let declarations: [OptionDeclaration<RecordOptions>] = [
        .value("--record", valueName: "file", help: "Record every exchange to this .jsonl file (secrets redacted).") { o, v, _ in
            o.file = v
        },
        .value("--record-mode", valueName: "mode", default: .described("all"),
               help: "all (replace), once (refuse if the file exists), new (replay what the file has, forward and append the rest), none.") { o, v, c in
            guard let m = RecordMode(rawValue: v) else {
                throw UsageError("'--record-mode' must be one of all, once, new, none (got '\(v)')", command: c)
            }
            o.mode = m
        },
        .value("--redact", valueName: "json-path",
               help: "Also mask this JSON path in recorded bodies, e.g. '$.accounts.*.name' or '$..bodyValues'. Repeatable.") { o, v, c in
            do { _ = try JSONPath(v) } catch { throw UsageError("'--redact' \(error)", command: c) }
            o.redactPaths.append(v)
        },
        .flag("--pseudonymize", help: "Replace e-mail addresses and names with stable fakes.") { $0.pseudonymize = true },
        .flag("--normalize-ids",
              help: "Replace server-assigned ids and states with stable tokens (A1 accounts, I1 ids, B1 blob ids, S1 states), "
                  + "so a re-record against a fresh server gives the same file. With --record-mode new, numbering goes on "
                  + "from the file's tokens.") { $0.normalizeIds = true },
    ]

    var redactor: Redactor {
        Redactor(paths: redactPaths.compactMap { try? JSONPath($0) }, pseudonymize: pseudonymize)
    }
}
