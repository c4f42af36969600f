import Foundation
import RelayCore

/// The answers of a recording loaded for replay, left in the file: each response head and
/// body is read again by offset when it is served, so replay holds only the matching keys
/// whatever the file's size. Side-stored bodies are read from the side folder at that time.
final class RecordedAnswers: @unchecked Sendable {
    /// Where each exchange's line lies, by its index in the recording's exchanges.
    private let locations: [LineSplitter.Location]
    private let header: RecordingHeader
    /// The open file; one read at a time (a seek and a read).
    private let reader: Locked<RecordingReader>
    private let blob: @Sendable (String) -> [UInt8]?
    /// Answers already decoded, up to `cacheBudget` bytes of bodies: a fixture served again and
    /// again is read and decoded once, while a long recording still stays in its file.
    private let cache = Locked<(answers: [Int: StoredAnswer], bytes: Int)>(([:], 0))

    /// Bytes of answer bodies kept decoded in memory.
    static let cacheBudget = 32 << 20

    init(reader: RecordingReader, header: RecordingHeader, locations: [LineSplitter.Location]) {
        self.locations = locations
        self.header = header
        blob = reader.blobReader
        self.reader = Locked(reader)
    }

    /// The response of exchange `index`; nil when the file can no longer be read as it was
    /// (reported as a warning).
    func answer(_ index: Int) -> StoredAnswer? {
        guard locations.indices.contains(index) else { return nil }
        if let cached = cache.withLock({ $0.answers[index] }) { return cached }
        let at = locations[index]
        do {
            let line = try reader.withLock { try $0.line(at: at) }
            var decoder = RecordingLineDecoder(header: header, blob: blob)
            let decoded = try line.withUnsafeBufferPointer { try decoder.decode($0, number: at.number) }
            guard case .exchange(let e)? = decoded else { throw RecordingError(line: at.number, "no longer an exchange") }
            let answer = StoredAnswer(head: e.response, body: e.responseBody)
            let size = (answer.body?.count ?? 0) + 256
            cache.withLock { c in
                guard c.bytes + size <= Self.cacheBudget, c.answers[index] == nil else { return }
                c.answers[index] = answer
                c.bytes += size
            }
            return answer
        } catch {
            Log().warning("replay: cannot read the answer of line \(at.number) again: \(error) (was the recording changed?)")
            return nil
        }
    }
}

extension RecordingFile {
    /// Loads a recording for replay in one pass: exchanges keep their request lines and bodies
    /// and response statuses (what matching needs) but not their request headers, which no
    /// match reads, nor their response headers and bodies, which are read from the file by
    /// offset when served. The file must stay as it is while the replay runs.
    public static func loadForReplay(path: String) throws -> (recording: Recording, answers: @Sendable (Int) -> StoredAnswer?) {
        let reader = try RecordingReader(path: path)
        var exchanges: [RecordedExchange] = []
        var locations: [LineSplitter.Location] = []
        var others: [JSONValue] = []
        let (header, warnings) = try reader.forEach { line, _, at in
            switch line {
            case .exchange(var e):
                e.responseBody = nil
                e.request.headers = HTTPHeaders()
                e.response.headers = HTTPHeaders()
                exchanges.append(e)
                locations.append(at)
            case .other(let v): others.append(v)
            case .header: break
            }
        }
        let answers = RecordedAnswers(reader: reader, header: header, locations: locations)
        return (Recording(header: header, exchanges: exchanges, otherLines: others, warnings: warnings), { answers.answer($0) })
    }
}
