import Foundation
import JMAPRelay

/// `jmap-relay normalize FILE (-o OUT | --in-place)`: server-assigned ids and states replaced
/// by stable tokens in an existing recording.
struct NormalizeOptions: Equatable, CommandOptions {
    var file = ""
    /// Where to write; nil with `--in-place`.
    var output: String?
    var inPlace = false
    var quiet = false

    static let command = CommandDeclaration<NormalizeOptions>(
        name: "normalize",
        abstract: "Replace a recording's server ids and states by stable tokens.",
        overview: """
            Replace the server-assigned ids and state strings of a recording by stable tokens, numbered in order of \
            first appearance: A1 accounts, I1 object ids, B1 blob ids, S1 states. A fixture re-recorded against a \
            fresh server then comes out the same and diffs cleanly, and a test asserting on ids survives a re-record.

            Only JMAP positions change, consistently across the file: the session's accounts and state, ids and \
            states in requests and answers, push messages, and the account and blob ids in download and upload \
            paths. Names, creation ids, header values (messageId, references) and the client's request ids stay. \
            The result replays like the original: the client only ever sees the tokens. 'serve --normalize-ids' \
            does the same while recording.
            """,
        usage: "normalize <file> (-o <out.jsonl> | --in-place)",
        argument: ArgumentDeclaration(
            name: "file", help: "The recording (.jsonl).", missing: "missing the recording <file>", apply: { o, v in o.file = v }),
        options: [
            .value("-o", "--output", valueName: "file",
                   help: "Write the normalised recording here (changed side-stored bodies go to <file>.blobs/, unchanged ones are copied).") { o, v, _ in
                o.output = v
            },
            .flag("--in-place", help: "Rewrite <file> itself.") { $0.inPlace = true },
            ProgressLine.quietFlag { $0.quiet = true },
        ],
        exitCodes: [
            ExitCodeDescription(code: 0, meaning: "The normalised recording is written."), .usage, .corrupt, .unreadable,
            ExitCodeDescription(code: 73, meaning: "The output cannot be written."),
        ],
        validate: { o in
            if o.inPlace, o.output != nil { throw UsageError("'-o' and '--in-place' exclude each other", command: "normalize") }
            guard o.inPlace || o.output != nil else {
                throw UsageError("say where to write: '-o <out.jsonl>' or '--in-place'", command: "normalize")
            }
        })
}

extension CLI {
    /// Exit code: 0 when written, 65 for a corrupt recording, 66 for an unreadable one, 73
    /// when the output cannot be written.
    static func runNormalize(_ o: NormalizeOptions) -> Int32 {
        let output = o.output ?? o.file
        guard FileManager.default.isReadableFile(atPath: o.file) else {
            printErr("Error: cannot read \(o.file)")
            return 66
        }
        var normalizer = IdNormalizer()
        let result: IdNormalizer.FileResult
        let size = (try? FileManager.default.attributesOfItem(atPath: o.file)[.size] as? NSNumber)?.intValue ?? 0
        let progress = ProgressLine(totalBytes: size, quiet: o.quiet)
        defer { progress.end() }
        do {
            result = try RecordingFile.normalize(input: o.file, output: output, normalizer: &normalizer, progress: progress.update)
        } catch let e as RecordingError {
            printErr("Error: \(o.file): \(e)")
            return 65
        } catch {
            printErr("Error: \(error)")
            return 73
        }
        progress.end()
        for w in result.warnings { printErr("jmap-relay: warning: \(o.file): \(w)") }
        let counts = IdNormalizer.Kind.allCases.map { k -> String in
            let n = normalizer.count(of: k)
            let noun = ["A": "account", "I": "id", "B": "blob id", "S": "state"][k.rawValue]!
            return "\(n) \(noun)\(n == 1 ? "" : "s")"
        }
        print("\(output): \(result.changedLineCount) of \(result.lineCount) lines changed; \(counts.joined(separator: ", ")) replaced")
        return 0
    }
}
