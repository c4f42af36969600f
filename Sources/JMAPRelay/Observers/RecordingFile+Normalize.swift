import Foundation
import RelayCore

extension RecordingFile {
    /// Normalises the recording at `input` into `output` (the same path rewrites it in place):
    /// server-assigned ids and states become the tokens `normalizer` hands out. Side-stored
    /// bodies that changed are stored under their new SHA-256; the ones that did not keep
    /// their reference and are copied to the output's side folder when it is another one.
    /// Rewriting in place removes the side files only the old version used.
    /// - Throws: `RecordingError` (with the line) for a corrupt recording, `RecordingFileError`
    ///   when the input cannot be read or the output cannot be written.
    public static func normalize(input: String, output: String, normalizer: inout IdNormalizer) throws -> IdNormalizer.FileResult {
        let fm = FileManager.default
        guard let data = fm.contents(atPath: input) else { throw RecordingFileError("cannot read \(input)") }
        let inBlobs = input + ".blobs/"
        let outBlobs = output + ".blobs/"
        let codec = RecordingCodec(sha256Hex: { Digest.hex(Digest.sha256($0)) })
        let result = try normalizer.normalizeFile(Array(data), codec: codec) { sha in
            fm.contents(atPath: inBlobs + sha).map { Array($0) }
        }
        let inPlace = URL(fileURLWithPath: input).standardizedFileURL.path == URL(fileURLWithPath: output).standardizedFileURL.path
        let dir = (output as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? fm.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        if !result.references.isEmpty {
            do { try fm.createDirectory(atPath: outBlobs, withIntermediateDirectories: true) } catch {
                throw RecordingFileError("cannot create \(outBlobs): \(error.localizedDescription)")
            }
        }
        for (sha, bytes) in result.blobs where !fm.fileExists(atPath: outBlobs + sha) {
            guard fm.createFile(atPath: outBlobs + sha, contents: Data(bytes)) else { throw RecordingFileError("cannot write \(outBlobs + sha)") }
        }
        if !inPlace {
            for sha in result.references where !fm.fileExists(atPath: outBlobs + sha) {
                guard isSHA256(sha) else { throw RecordingFileError("bodyRef '\(sha)' is not a SHA-256; not copied") }
                do { try fm.copyItem(atPath: inBlobs + sha, toPath: outBlobs + sha) } catch {
                    throw RecordingFileError("cannot copy \(inBlobs + sha) to \(outBlobs): \(error.localizedDescription)")
                }
            }
        }
        do {
            // Written whole and renamed into place: a failure never leaves half a recording.
            try Data(result.bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw RecordingFileError("cannot write \(output): \(error.localizedDescription)")
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
