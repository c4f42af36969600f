import RelayCore

/// Loads one input as a recording and checks that it either loads or throws a
/// `RecordingError` naming a real line with a message; and that what loaded re-encodes to
/// lines that load again and encode the same way a second time.
public enum RecordingFuzzCheck {
    /// The one side-stored body the fuzz inputs may refer to.
    static func blob(_ ref: String) -> [UInt8]? { ref == "ab12" ? [1, 2, 3] : nil }

    /// Checks `input`.
    public static func check(_ input: [UInt8]) -> FuzzOutcome {
        let lineCount = input.split(separator: 0x0A, omittingEmptySubsequences: false).count
        let recording: Recording
        do {
            recording = try RecordingCodec.load(input, blob: blob)
        } catch let e as RecordingError {
            if e.message.isEmpty { return .failed("an empty message at line \(e.line)") }
            if e.line < 1 || e.line > max(1, lineCount) { return .failed("line \(e.line) of \(lineCount): \(e.message)") }
            // The message up to its first quoted or numeric detail: a few dozen kinds, not one per input.
            return .rejected(kind: String(e.message.prefix { !"0123456789:'\"".contains($0) }.prefix(40)))
        } catch {
            return .failed("untyped error \(type(of: error)): \(error)")
        }
        let once = encode(recording)
        let again: Recording
        do {
            again = try RecordingCodec.load(once, blob: blob)
        } catch {
            return .failed("a loaded recording re-encodes to lines that do not load: \(error)")
        }
        if again.exchanges.count != recording.exchanges.count { return .failed("re-encoding lost exchanges") }
        if encode(again) != once { return .failed("re-encoding is not stable") }
        return .accepted
    }

    /// The recording written back as lines, bodies inline.
    static func encode(_ r: Recording) -> [UInt8] {
        let codec = RecordingCodec(sideThreshold: .max) { _ in "" }
        var out = RecordingCodec.headerLine(r.header)
        for e in r.exchanges { out += codec.exchangeLine(e).line }
        return out
    }
}
