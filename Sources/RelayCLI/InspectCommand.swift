import Foundation
import JMAPRelay

/// `jmap-relay inspect FILE [--calls]`: a summary of a recording on stdout.
struct InspectOptions: Equatable, CommandOptions {
    var file = ""
    var calls = false
    var quiet = false

    static let command = CommandDeclaration<InspectOptions>(
        name: "inspect",
        abstract: "Summarise a recording: endpoints, method calls, errors.",
        overview: """
            Summarise a recording: upstream, time span, exchanges by endpoint, JMAP method calls with counts, and \
            every error (HTTP status 400 and above, method-level errors, SetErrors in notCreated/notUpdated/notDestroyed).
            """,
        usage: "inspect <file> [--calls]",
        argument: ArgumentDeclaration(
            name: "file", help: "The recording (.jsonl), e.g. recordings/sync.jsonl.", missing: "missing the recording <file>",
            apply: { o, v in o.file = v }),
        options: [
            .flag("--calls", help: "Also list every method call: exchange, name, call id, arguments (abbreviated) and the "
                + "responses that answered it.") { $0.calls = true },
            ProgressLine.quietFlag { $0.quiet = true },
        ],
        exitCodes: [ExitCodeDescription(code: 0, meaning: "The summary is printed."), .usage, .corrupt, .unreadable])
}

extension CLI {
    static func runInspect(_ o: InspectOptions) -> Int32 {
        var summary: RecordingSummary?
        do {
            let warnings = try streamRecording(o.file, quiet: o.quiet) { line in
                switch line {
                case .header(let h): summary = RecordingSummary(header: h, keepingCalls: o.calls)
                case .exchange(let e): summary?.add(e)
                case .other(let v): summary?.addOtherLine(kind: v["kind"]?.stringValue)
                }
            }
            summary?.finish(warnings: warnings)
        } catch { return error.code }
        print(summary?.text(calls: o.calls) ?? "", terminator: "")
        return 0
    }

    /// Reads a recording line by line for an offline command, with a progress line on an
    /// interactive stderr for a large file. The error (with the line number for a corrupt
    /// file) and any warnings go to stderr; the exit code is 65 for a corrupt file and 66 for
    /// one that cannot be read, as `replay`'s. Returns the warnings (an incomplete last line
    /// forgiven).
    static func streamRecording(_ path: String, quiet: Bool = false, _ body: (RecordingLine) throws -> Void) throws(ExitStatus)
        -> [String] {
        do {
            let reader = try RecordingReader(path: path)
            defer { reader.close() }
            let progress = ProgressLine(totalBytes: reader.size, quiet: quiet)
            defer { progress.end() }
            let (_, warnings) = try reader.forEach(progress: progress.update) { line, _, _ in try body(line) }
            progress.end()
            for w in warnings { printErr("jmap-relay: warning: \(path): \(w)") }
            return warnings
        } catch let e as ExitStatus {
            throw e
        } catch {
            throw exitStatus(for: error, path: path)
        }
    }

    /// Prints a failure to read a recording and gives its exit code: 65 for a corrupt file,
    /// 66 for one that cannot be read.
    static func exitStatus(for error: any Error, path: String) -> ExitStatus {
        if let e = error as? RecordingError {
            printErr("Error: \(path): \(e)")
            return ExitStatus(code: 65)
        }
        printErr("Error: \(error)")
        return ExitStatus(code: 66)
    }
}

/// A subcommand that stopped early with this exit code (the message is already printed).
struct ExitStatus: Error {
    var code: Int32
}
