import Foundation

/// Where a streaming command writes: stdout, or a file written beside its final path and
/// renamed into place by `commit`, so that a failure never leaves half a file (and a file
/// may be rewritten from itself). Writes are gathered into blocks of `blockSize`.
public final class OutputSink {
    static let blockSize = 1 << 20
    private let handle: FileHandle
    /// The file being written and where it goes when committed; nil for stdout.
    private let paths: (temporary: String, final: String)?
    private var buffer: [UInt8] = []

    private init(handle: FileHandle, paths: (temporary: String, final: String)?) {
        self.handle = handle
        self.paths = paths
        buffer.reserveCapacity(Self.blockSize)
    }

    public static func standardOutput() -> OutputSink {
        OutputSink(handle: .standardOutput, paths: nil)
    }

    /// A sink that replaces the file at `path` when committed.
    /// - Throws: `RecordingFileError` when the file beside it cannot be created.
    public convenience init(replacing path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let temporary = dir + "/." + url.lastPathComponent + ".partial-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: temporary, contents: nil), let h = FileHandle(forWritingAtPath: temporary) else {
            throw RecordingFileError("cannot write \(path)")
        }
        self.init(handle: h, paths: (temporary, path))
    }

    public func write(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.blockSize { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        do { try handle.write(contentsOf: buffer) } catch {
            throw RecordingFileError("cannot write \(paths?.final ?? "to stdout"): \(error.localizedDescription)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is left and puts the file in place.
    public func commit() throws {
        try flush()
        guard let paths else { return }
        try? handle.close()
        if rename(paths.temporary, paths.final) != 0 {
            discard()
            throw RecordingFileError("cannot write \(paths.final): \(String(cString: strerror(errno)))")
        }
    }

    /// Drops what was written to a file (stdout keeps what already went out).
    public func discard() {
        guard let paths else { return }
        try? handle.close()
        try? FileManager.default.removeItem(atPath: paths.temporary)
    }
}
