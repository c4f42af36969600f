import Foundation
import JMAPRelay

/// `jmap-relay normalize FILE (-o OUT | --in-place)`: server-assigned ids and states replaced
/// by stable tokens in an existing recording.
struct NormalizeOptions: Equatable {
    var file = ""
    /// Where to write; nil with `--in-place`.
    var output: String?
    var inPlace = false

    static func parse(_ args: [String]) throws -> NormalizeOptions {
        var o = NormalizeOptions()
        var r = ArgumentReader(args, command: "normalize")
        while let t = r.next() {
            switch t {
            case .positional(let p):
                guard o.file.isEmpty else { throw UsageError("unexpected argument '\(p)'", command: "normalize") }
                o.file = p
            case .option(let name, let inline) where name == "-o" || name == "--output":
                o.output = try r.value(for: name, inline: inline)
            case .option("--in-place", let inline):
                try r.flag("--in-place", inline: inline)
                o.inPlace = true
            case .option(let name, _):
                throw UsageError("unknown option '\(name)'", command: "normalize")
            }
        }
        guard !o.file.isEmpty else { throw UsageError("missing the recording <file>", command: "normalize") }
        if o.inPlace, o.output != nil { throw UsageError("'-o' and '--in-place' exclude each other", command: "normalize") }
        guard o.inPlace || o.output != nil else {
            throw UsageError("say where to write: '-o <out.jsonl>' or '--in-place'", command: "normalize")
        }
        return o
    }
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
        do {
            result = try RecordingFile.normalize(input: o.file, output: output, normalizer: &normalizer)
        } catch let e as RecordingError {
            printErr("Error: \(o.file): \(e)")
            return 65
        } catch {
            printErr("Error: \(error)")
            return 73
        }
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
