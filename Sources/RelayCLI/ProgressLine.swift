import Foundation
import JMAPRelay

/// The progress line of a long pass over a recording: bytes read, exchanges, rate, redrawn on
/// stderr at most a few times a second. Shown only for a file over `threshold` when stderr
/// is a terminal, and never with `--quiet`; erased when the pass ends.
final class ProgressLine {
    /// `--quiet`, on every command that reads a whole recording.
    static func quietFlag<Options>(_ apply: @escaping @Sendable (inout Options) -> Void) -> OptionDeclaration<Options> {
        .flag("--quiet", help: "No progress line on stderr (one is drawn for a recording over 50 MB when stderr is a terminal).",
              apply: apply)
    }

    /// Files smaller than this are read too fast to need it.
    static let threshold = 50_000_000
    /// Whether the line is drawn at all.
    let enabled: Bool
    private let start = ContinuousClock.now
    private var lastDrawn = ContinuousClock.now
    private var drawn = false

    init(totalBytes: Int, quiet: Bool, interactive: Bool = Terminal.isTerminal(FileHandle.standardError)) {
        enabled = !quiet && totalBytes > Self.threshold && interactive
    }

    func update(_ p: RecordingReader.Progress) {
        guard enabled else { return }
        let now = ContinuousClock.now
        guard now - lastDrawn >= .milliseconds(250) else { return }
        lastDrawn = now
        drawn = true
        FileHandle.standardError.write(Data((Self.text(p, elapsed: now - start) + "\u{1B}[K\r").utf8))
    }

    /// Erases the line (once).
    func end() {
        guard drawn else { return }
        drawn = false
        FileHandle.standardError.write(Data("\u{1B}[2K\r".utf8))
    }

    /// `412 MB of 1.0 GB (40%), 290,000 exchanges, 180 MB/s`.
    static func text(_ p: RecordingReader.Progress, elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(p.bytesRead) / seconds : 0
        let percent = p.totalBytes > 0 ? p.bytesRead * 100 / p.totalBytes : 100
        return "\(megabytes(p.bytesRead)) of \(megabytes(p.totalBytes)) (\(percent)%), \(p.exchanges) exchanges, \(megabytes(Int(rate)))/s"
    }

    static func megabytes(_ n: Int) -> String {
        n >= 1_000_000_000 ? String(format: "%.1f GB", Double(n) / 1e9) : "\(n / 1_000_000) MB"
    }
}
