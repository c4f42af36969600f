import Foundation
import JMAPRelay

/// `jmap-relay inspect FILE [--calls]`: a summary of a recording on stdout.
struct InspectOptions: Equatable {
    var file = ""
    var calls = false

    static func parse(_ args: [String]) throws -> InspectOptions {
        var o = InspectOptions()
        var r = ArgumentReader(args, command: "inspect")
        while let t = r.next() {
            switch t {
            case .positional(let p):
                guard o.file.isEmpty else { throw UsageError("unexpected argument '\(p)'", command: "inspect") }
                o.file = p
            case .option("--calls", let inline):
                try r.flag("--calls", inline: inline)
                o.calls = true
            case .option(let name, _):
                throw UsageError("unknown option '\(name)'", command: "inspect")
            }
        }
        guard !o.file.isEmpty else { throw UsageError("missing the recording <file>", command: "inspect") }
        return o
    }
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
