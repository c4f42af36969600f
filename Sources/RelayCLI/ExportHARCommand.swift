import Foundation
import JMAPRelay

/// `jmap-relay export-har FILE [-o OUT]`: a recording as a HAR 1.2 file.
struct ExportHAROptions: Equatable, CommandOptions {
    var file = ""
    /// Where to write; nil for stdout.
    var output: String?
    var quiet = false

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
            },
            ProgressLine.quietFlag { $0.quiet = true },
        ],
        exitCodes: [
            ExitCodeDescription(code: 0, meaning: "The HAR is written."), .usage, .corrupt, .unreadable,
            ExitCodeDescription(code: 73, meaning: "The output cannot be written."),
        ])
}

extension CLI {
    /// Reads the recording as a stream and writes each entry as it comes; a file is written
    /// beside the output and renamed into place, so a failure leaves no half HAR.
    static func runExportHAR(_ o: ExportHAROptions) -> Int32 {
        let version = RelayVersion.string.replacingOccurrences(of: "jmap-relay ", with: "")
        let exporter = HARExporter(creatorVersion: version)
        let toFile = o.output.map { $0 != "-" } ?? false
        let sink: OutputSink
        do {
            sink = try toFile ? OutputSink(replacing: o.output!) : OutputSink.standardOutput()
        } catch {
            printErr("Error: \(error)")
            return 73
        }
        var writer: HARWriter?
        do {
            _ = try streamRecording(o.file, quiet: o.quiet) { line in
                switch line {
                case .header(let h): writer = HARWriter(exporter: exporter, created: h.created)
                case .exchange(let e): if let bytes = writer?.entry(e) { try sink.write(bytes) }
                case .other: break
                }
            }
            if let writer { try sink.write(writer.finish()) }
            try sink.commit()
        } catch let e as ExitStatus {
            sink.discard()
            return e.code
        } catch {
            sink.discard()
            printErr("Error: \(error)")
            return 73
        }
        return 0
    }
}
