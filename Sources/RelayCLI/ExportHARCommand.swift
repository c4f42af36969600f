import Foundation
import JMAPRelay

/// `jmap-relay export-har FILE [-o OUT]`: a recording as a HAR 1.2 file.
struct ExportHAROptions: Equatable, CommandOptions {
    var file = ""
    /// Where to write; nil for stdout.
    var output: String?

    static let command = CommandDeclaration<ExportHAROptions>(
        name: "export-har",
        abstract: "Convert a recording to a HAR 1.2 file.",
        overview: """
            Convert a recording to a HAR 1.2 file for a browser's network panel, Charles or Fiddler. Authorization \
            and cookie headers are masked; bodies that are not text are written as base64.
            """,
        usage: "export-har <file> [-o <out.har>]",
        argument: ArgumentDeclaration(
            name: "file", help: "The recording (.jsonl).", missing: "missing the recording <file>", apply: { o, v in o.file = v }),
        options: [
            .value("-o", "--output", valueName: "file", default: .described("stdout"), help: "Write the HAR here.") { o, v, _ in
                o.output = v
            }
        ],
        exitCodes: [
            ExitCodeDescription(code: 0, meaning: "The HAR is written."), .usage, .corrupt, .unreadable,
            ExitCodeDescription(code: 73, meaning: "The output cannot be written."),
        ])
}

extension CLI {
    static func runExportHAR(_ o: ExportHAROptions) -> Int32 {
        let recording: Recording
        do { recording = try loadRecording(o.file) } catch { return error.code }
        let version = RelayVersion.string.replacingOccurrences(of: "jmap-relay ", with: "")
        let bytes = HARExporter(creatorVersion: version).har(recording).prettySerialized()
        guard let out = o.output, out != "-" else {
            FileHandle.standardOutput.write(Data(bytes))
            return 0
        }
        guard FileManager.default.createFile(atPath: out, contents: Data(bytes)) else {
            printErr("Error: cannot write \(out)")
            return 73
        }
        return 0
    }
}
