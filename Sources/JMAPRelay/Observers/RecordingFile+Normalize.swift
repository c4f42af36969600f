import Foundation
import RelayCore

extension RecordingFile {
    /// Normalises the recording at `input` into `output` (the same path rewrites it in place):
    /// server-assigned ids and states become the tokens `normalizer` hands out, in `seq`
    /// order. A file whose lines are in `seq` order (as the recorder writes them) is read and
    /// written as a stream, with flat memory; one whose lines are not is normalised in memory.
    /// Side-stored bodies that changed are stored under their new SHA-256; the ones that did
    /// not keep their reference and are copied to the output's side folder when it is another
    /// one. Rewriting in place removes the side files only the old version used. The output
    /// is written beside its place and renamed into it: a failure never leaves half a recording.
    /// - Returns: The counts (`bytes` and `blobs` stay empty: they are written as they come).
    /// - Throws: `RecordingError` (with the line) for a corrupt recording, `RecordingFileError`
    ///   when the input cannot be read or the output cannot be written.
    public static func normalize(input: String, output: String, normalizer: inout IdNormalizer,
                                 progress: ((RecordingReader.Progress) -> Void)? = nil) throws -> IdNormalizer.FileResult {
        let fm = FileManager.default
        let reader = try RecordingReader(path: input)
        defer { reader.close() }
        let inBlobs = input + ".blobs/"
        let outBlobs = output + ".blobs/"
        let codec = RecordingCodec(sha256Hex: { Digest.hex(Digest.sha256($0)) })
        let inPlace = URL(fileURLWithPath: input).standardizedFileURL.path == URL(fileURLWithPath: output).standardizedFileURL.path
        let sink = try OutputSink(replacing: output)
        var result = IdNormalizer.FileResult()
        do {
            var order = IdNormalizer.OrderCheck()
            try reader.forEachLine { line, _, _ in order.add(line) }
            func store(_ blobs: [(sha: String, bytes: [UInt8])]) throws {
                guard !blobs.isEmpty else { return }
                try fm.createDirectory(atPath: outBlobs, withIntermediateDirectories: true)
                for (sha, bytes) in blobs where !fm.fileExists(atPath: outBlobs + sha) {
                    guard fm.createFile(atPath: outBlobs + sha, contents: Data(bytes)) else { throw RecordingFileError("cannot write \(outBlobs + sha)") }
                }
            }
            if order.inOrder {
                let (_, warnings) = try reader.forEach(progress: progress) { decoded, line, _ in
                    let n = normalizer.normalizeLine(line, decoded: decoded, codec: codec)
                    try store(n.blobs)
                    result.appendCounts(n)
                    if let new = n.bytes {
                        try sink.write(new)
                    } else {
                        try sink.write(Array(line) + [0x0A])
                    }
                }
                result.warnings = warnings
            } else {
                guard let data = fm.contents(atPath: input) else { throw RecordingFileError("cannot read \(input)") }
                result = try normalizer.normalizeFile(Array(data), codec: codec, blob: reader.blobReader)
                try store(result.blobs)
                try sink.write(result.bytes)
                result.bytes = []
                result.blobs = []
            }
            if !result.references.isEmpty {
                do { try fm.createDirectory(atPath: outBlobs, withIntermediateDirectories: true) } catch {
                    throw RecordingFileError("cannot create \(outBlobs): \(error.localizedDescription)")
                }
            }
            if !inPlace {
                for sha in result.references where !fm.fileExists(atPath: outBlobs + sha) {
                    guard isSHA256(sha) else { throw RecordingFileError("bodyRef '\(sha)' is not a SHA-256; not copied") }
                    do { try fm.copyItem(atPath: inBlobs + sha, toPath: outBlobs + sha) } catch {
                        throw RecordingFileError("cannot copy \(inBlobs + sha) to \(outBlobs): \(error.localizedDescription)")
                    }
                }
            }
            try sink.commit()
        } catch {
            sink.discard()
            throw error
        }
        if inPlace {
            for sha in result.inputReferences.subtracting(result.references) where isSHA256(sha) {
                try? fm.removeItem(atPath: inBlobs + sha)
            }
        }
        return result
    }

    /// Whether a `bodyRef` is a plain SHA-256 name (never a path that leaves the side folder).
    static func isSHA256(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
