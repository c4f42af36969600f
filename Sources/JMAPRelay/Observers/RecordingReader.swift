import Foundation
import RelayCore

/// Reads a recording file in one pass, a block at a time, and hands out its lines decoded:
/// memory stays flat whatever the file's size. Side-stored bodies are read as their lines
/// come. Each line comes with where it lies in the file, to be read again by offset.
public struct RecordingReader {
    /// How far a reading has come, for a progress line.
    public struct Progress: Sendable {
        public var bytesRead: Int
        public var totalBytes: Int
        public var exchanges: Int

        public init(bytesRead: Int, totalBytes: Int, exchanges: Int) {
            self.bytesRead = bytesRead
            self.totalBytes = totalBytes
            self.exchanges = exchanges
        }
    }

    public let path: String
    /// The file's size when it was opened.
    public let size: Int
    /// Bytes read at a time.
    static let blockSize = 1 << 20
    private let handle: FileHandle

    /// Opens `path`.
    /// - Throws: `RecordingFileError` when it cannot be read.
    public init(path: String) throws {
        guard let h = FileHandle(forReadingAtPath: path) else { throw RecordingFileError("cannot read \(path)") }
        self.path = path
        handle = h
        size = Int((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)??.intValue ?? 0)
    }

    /// Reads side-stored bodies from the file's `.blobs` folder.
    public var blobReader: @Sendable (String) -> [UInt8]? {
        let dir = path + ".blobs/"
        return { sha in FileManager.default.contents(atPath: dir + sha).map { Array($0) } }
    }

    /// Hands every line to `body` in file order: decoded, as written, and where it lies in the file.
    /// - Parameter progress: Called after each block read.
    /// - Returns: The header and what was forgiven (an incomplete last line).
    /// - Throws: `RecordingError` (line and reason) for a corrupt file, what `body` throws,
    ///   `RecordingFileError` when reading fails.
    @discardableResult
    public func forEach(progress: ((Progress) -> Void)? = nil,
                        _ body: (RecordingLine, UnsafeBufferPointer<UInt8>, LineSplitter.Location) throws -> Void) throws
        -> (header: RecordingHeader, warnings: [String]) {
        var decoder = RecordingLineDecoder(blob: blobReader)
        var exchanges = 0
        try forEachLine(progress: { bytes in progress?(Progress(bytesRead: bytes, totalBytes: size, exchanges: exchanges)) }) {
            line, at, last in
            guard let decoded = try decoder.decode(line, number: at.number, isUnterminatedLast: last) else { return }
            if case .exchange = decoded { exchanges += 1 }
            try body(decoded, line, at)
        }
        return (try decoder.finish(), decoder.warnings)
    }

    /// Hands every raw line to `body` (without its newline); `last` is true for a final line
    /// that no newline ends.
    public func forEachLine(progress: ((Int) -> Void)? = nil,
                            _ body: (UnsafeBufferPointer<UInt8>, LineSplitter.Location, _ last: Bool) throws -> Void) throws {
        var splitter = LineSplitter()
        try handle.seek(toOffset: 0)
        while true {
            let block: Data?
            do { block = try handle.read(upToCount: Self.blockSize) } catch {
                throw RecordingFileError("cannot read \(path): \(error.localizedDescription)")
            }
            guard let block, !block.isEmpty else { break }
            try block.withUnsafeBytes { raw in
                try splitter.feed(raw.assumingMemoryBound(to: UInt8.self)) { try body($0, $1, false) }
            }
            progress?(splitter.byteCount)
        }
        try splitter.finish { try body($0, $1, true) }
    }

    /// The bytes of the line at `location` (without its newline), read again from the file.
    public func line(at location: LineSplitter.Location) throws -> [UInt8] {
        do {
            try handle.seek(toOffset: UInt64(location.offset))
            let data = try handle.read(upToCount: location.length) ?? Data()
            guard data.count == location.length else { throw RecordingFileError("\(path) changed while it was read") }
            return Array(data)
        } catch let e as RecordingFileError {
            throw e
        } catch {
            throw RecordingFileError("cannot read \(path): \(error.localizedDescription)")
        }
    }

    public func close() {
        try? handle.close()
    }
}
