import Foundation

/// Golden files: compares text with a file kept in the repository; with `RECORD_SNAPSHOTS=1`
/// in the environment it writes the file instead (review the diff, then commit it).
public enum Golden {
    /// Nil when `actual` matches the golden file (or was just recorded), else a message naming
    /// the first line that differs.
    /// - Parameters:
    ///   - path: the golden file to read (a test bundle resource, or the source file).
    ///   - recordPath: the source file to write when recording; defaults to `path`.
    public static func check(_ actual: String, against path: String, recordTo recordPath: String? = nil) -> String? {
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            let out = recordPath ?? path
            try? FileManager.default.createDirectory(
                atPath: (out as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: out, contents: Data(actual.utf8))
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return "no golden file \((path as NSString).lastPathComponent); run with RECORD_SNAPSHOTS=1 to create it"
        }
        let expected = String(decoding: data, as: UTF8.self)
        if expected == actual { return nil }
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(e.count, a.count) where (i < e.count ? e[i] : nil) != (i < a.count ? a[i] : nil) {
            return "\((path as NSString).lastPathComponent) line \(i + 1): expected \(i < e.count ? "'\(e[i])'" : "end of file"), "
                + "got \(i < a.count ? "'\(a[i])'" : "end of file") (RECORD_SNAPSHOTS=1 rewrites it)"
        }
        return "differs"
    }
}
