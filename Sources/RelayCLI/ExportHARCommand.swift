import Foundation
import JMAPRelay

/// `jmap-relay export-har FILE [-o OUT]`: a recording as a HAR 1.2 file.
struct ExportHAROptions: Equatable {
    var file = ""
    /// Where to write; nil for stdout.
    var output: String?

    static func parse(_ args: [String]) throws -> ExportHAROptions {
        var o = ExportHAROptions()
        var r = ArgumentReader(args, command: "export-har")
        while let t = r.next() {
            switch t {
            case .positional(let p):
                guard o.file.isEmpty else { throw UsageError("unexpected argument '\(p)'", command: "export-har") }
                o.file = p
            case .option(let name, let inline) where name == "-o" || name == "--output":
                o.output = try r.value(for: name, inline: inline)
            case .option(let name, _):
                throw UsageError("unknown option '\(name)'", command: "export-har")
            }
        }
        guard !o.file.isEmpty else { throw UsageError("missing the recording <file>", command: "export-har") }
        return o
    }
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
