import Foundation
import RelayCore
import Synchronization

/// How `--record` treats an existing file, in the manner of VCR.
public enum RecordMode: String, Sendable, CaseIterable {
    /// Record everything into a new file (an existing one is replaced).
    case all
    /// Record only if the file does not exist yet; otherwise refuse to start.
    case once
    /// Replay what the file has and forward and append what it lacks.
    case new
    /// Never write.
    case none
}

/// Appends a recording to disk: the header once, then one line per exchange or push, each written
/// with a single `write` and flushed, so `kill -9` loses at most the exchange in flight. Lines
/// from concurrent connections never interleave. Bodies over the threshold go to
/// `<file>.blobs/<sha256>`. Secrets are redacted before anything is written (credential
/// headers by name, then every known credential by value, see `SecretScrubber`), and with a
/// normaliser, server-assigned ids and states become stable tokens first.
public final class RecordingFile: Sendable {
    private struct State {
        var redactor: Redactor
        var normalizer: IdNormalizer?
        var seq: Int
        /// The last API exchange written: where push lines are placed causally.
        var lastAPISeq: Int
    }

    private let state: Locked<State>
    /// The open file; only one thread writes to it at a time (see `writeLine`).
    private let handle: FileHandle
    private let writers = WriterGate()
    /// Lines waiting for the thread that is writing (see `writeLine`).
    private let pending = Locked<[UInt8]>([])
    private let writing = Atomic<Bool>(false)
    /// Set at the first failed write (reported once).
    private let writeFailed = Atomic<Bool>(false)
    private let codec: RecordingCodec
    private let blobDir: String
    private let scrubber: SecretScrubber
    public let path: String

    /// Opens `path` for recording.
    /// - Parameters:
    ///   - normalizer: Replaces server-assigned ids and states by stable tokens (`--normalize-ids`);
    ///     appending to `existing`, it continues the tokens the file already has.
    ///   - existing: The file's recording when appending to it (`mode: .new`).
    ///   - scrubber: The credentials masked by value wherever they occur.
    public init(path: String, mode: RecordMode, header: RecordingHeader, redactor: Redactor, normalizer: IdNormalizer? = nil,
                existing: Recording? = nil, scrubber: SecretScrubber = .process) throws {
        self.path = path
        self.scrubber = scrubber
        blobDir = path + ".blobs"
        codec = RecordingCodec(sha256Hex: { Digest.hex(Digest.sha256($0)) })
        let fm = FileManager.default
        let exists = fm.fileExists(atPath: path)
        if mode == .once, exists {
            throw RecordingFileError("\(path) exists; use --record-mode new to add to it or --record-mode all to replace it")
        }
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? fm.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let append = mode == .new && exists
        if !append {
            guard fm.createFile(atPath: path, contents: Data(RecordingCodec.headerLine(header))) else {
                throw RecordingFileError("cannot create \(path)")
            }
        }
        guard let h = FileHandle(forWritingAtPath: path) else { throw RecordingFileError("cannot open \(path) for writing") }
        h.seekToEndOfFile()
        let lastLine = max(existing?.exchanges.map(\.seq).max() ?? 0, existing?.otherLines.compactMap { $0["seq"]?.intValue }.max() ?? 0)
        let lastAPI = existing?.exchanges.filter { $0.kind == .api }.map(\.seq).max() ?? 0
        var normalizer = normalizer
        if let existing, append { normalizer?.reserve(existing) }
        handle = h
        state = Locked(State(redactor: redactor, normalizer: normalizer, seq: lastLine, lastAPISeq: lastAPI))
    }

    /// Appends one exchange (redacted); the sequence number is assigned here.
    public func append(_ exchange: RecordedExchange, jmapMethods: [String]) {
        // Numbered, normalised and redacted under the lock (tokens and pseudonyms are shared
        // state, handed out in seq order); encoded outside it, so that exchanges finishing at
        // once do not queue behind each other's JSON.
        var e = state.withLock { s -> RecordedExchange in
            var e = s.redactor.redact(s.normalizer?.normalize(exchange) ?? exchange)
            s.seq += 1
            e.seq = s.seq
            return e
        }
        // Bodies are scrubbed before encoding too: one stored as base64 or in a side file
        // (named by the hash of what is stored) would hide a secret from the line's scrub.
        if !scrubber.isEmpty {
            e.requestBody = e.requestBody.map(scrubber.scrub)
            e.responseBody = e.responseBody.map(scrubber.scrub)
        }
        let (line, blobs) = codec.exchangeLine(e, jmapMethods: jmapMethods)
        for (sha, bytes) in blobs {
            try? FileManager.default.createDirectory(atPath: blobDir, withIntermediateDirectories: true)
            let p = blobDir + "/" + sha
            if !FileManager.default.fileExists(atPath: p) { _ = FileManager.default.createFile(atPath: p, contents: Data(bytes)) }
        }
        writeLine(line)
        if e.kind == .api { state.withLock { s in s.lastAPISeq = max(s.lastAPISeq, e.seq) } }
    }

    /// Puts a line in the file with write(2): a kill -9 loses nothing written. No fsync per
    /// line: it cost 90% of throughput and only guards against power loss; `close()` syncs.
    /// One thread writes at a time, and never waits for another: a line that arrives while
    /// another thread writes is queued, and that thread writes it before it lets go (two
    /// loops recording at once slept on each other's write and lost a third of throughput).
    /// Lines of exchanges that finish together may land a place apart; each carries its seq.
    private func writeLine(_ line: [UInt8]) {
        guard writers.enter() else { return }
        let line = scrubber.scrub(line)
        defer { writers.leave() }
        if writing.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            // Nobody else is writing (the common case): the line goes out as it is, uncopied.
            write(line)
        } else {
            pending.withLock { $0.append(contentsOf: line) }
            guard writing.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return }
        }
        // Holding the right to write: what others queued meanwhile goes out before letting go.
        while true {
            while true {
                let batch = takePending()
                if batch.isEmpty { break }
                write(batch)
            }
            writing.store(false, ordering: .releasing)
            // A line queued after the last look but before the release is ours to write,
            // unless another thread took over since.
            if pending.withLock({ $0.isEmpty }) { return }
            guard writing.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return }
        }
    }

    private func write(_ bytes: [UInt8]) {
        do {
            try handle.write(contentsOf: bytes)
        } catch {
            if !writeFailed.exchange(true, ordering: .relaxed) {
                Log().warning("cannot write to the recording \(path): \(error); exchanges are not being recorded")
            }
        }
    }

    /// The queued lines, leaving the queue empty.
    private func takePending() -> [UInt8] {
        pending.withLock { p in
            var taken: [UInt8] = []
            swap(&taken, &p)
            return taken
        }
    }

    /// Appends one push message (redacted); its sequence number and causal place (`after`) are set here.
    public func appendPush(_ push: RecordedPush) {
        let line = state.withLock { s in
            var p = s.redactor.redact(s.normalizer?.normalize(push) ?? push)
            s.seq += 1
            p.seq = s.seq
            p.after = s.lastAPISeq
            return RecordingCodec.line(p.json)
        }
        writeLine(line)
    }

    /// Appends one WebSocket request with its answer (redacted).
    public func appendWebSocketPair(_ pair: RecordedWebSocketPair) {
        let line = state.withLock { s in
            var p = s.redactor.redact(s.normalizer?.normalize(pair) ?? pair)
            s.seq += 1
            p.seq = s.seq
            p.after = s.lastAPISeq
            s.lastAPISeq = p.seq
            return RecordingCodec.line(p.json)
        }
        writeLine(line)
    }

    public func close() {
        writers.closeAndWait()
        // No writer is left: whatever is still queued goes out now.
        let rest = takePending()
        if !rest.isEmpty { try? handle.write(contentsOf: rest) }
        try? handle.synchronize()
        try? handle.close()
    }

    /// Loads a recording file (and its side folder) whole; commands that only need to pass
    /// over it read it with `RecordingReader` instead.
    public static func load(path: String) throws -> Recording {
        let reader = try RecordingReader(path: path)
        defer { reader.close() }
        var exchanges: [RecordedExchange] = []
        var others: [JSONValue] = []
        let (header, warnings) = try reader.forEach { line, _, _ in
            switch line {
            case .exchange(let e): exchanges.append(e)
            case .other(let v): others.append(v)
            case .header: break
            }
        }
        return Recording(header: header, exchanges: exchanges, otherLines: others, warnings: warnings)
    }
}

/// A recording file that cannot be opened or written.
public struct RecordingFileError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
