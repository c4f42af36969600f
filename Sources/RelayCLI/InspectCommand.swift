import Foundation
import JMAPRelay

/// `jmap-relay inspect FILE [--calls]`: a summary of a recording on stdout.
struct InspectOptions: Equatable, CommandOptions {
    var file = ""
    var calls = false

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
                + "responses that answered it.") { $0.calls = true }
        ],
        exitCodes: [ExitCodeDescription(code: 0, meaning: "The summary is printed."), .usage, .corrupt, .unreadable])
}

extension CLI {
    static func runInspect(_ o: InspectOptions) -> Int32 {
        let recording: Recording
        do { recording = try loadRecording(o.file) } catch { return error.code }
        print(RecordingSummary(recording).text(calls: o.calls), terminator: "")
        return 0
    }

    /// Loads a recording for an offline command, printing the error (with the line number for
    /// a corrupt file) and any warnings to stderr. Fails with exit code 65 for a corrupt file
    /// and 66 for one that cannot be read, as `replay` does.
    static func loadRecording(_ path: String) throws(ExitStatus) -> Recording {
        do {
            let r = try RecordingFile.load(path: path)
            for w in r.warnings { printErr("jmap-relay: warning: \(path): \(w)") }
            return r
        } catch let e as RecordingError {
            printErr("Error: \(path): \(e)")
            throw ExitStatus(code: 65)
        } catch {
            printErr("Error: \(error)")
            throw ExitStatus(code: 66)
        }
    }
}

/// A subcommand that stopped early with this exit code (the message is already printed).
struct ExitStatus: Error {
    var code: Int32
}
