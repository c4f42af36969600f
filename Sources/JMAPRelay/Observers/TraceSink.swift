import Foundation
import RelayCore

/// Writes trace lines to stdout without ever making an exchange wait for a slow reader.
///
/// - A file (or /dev/null) never waits: each line is written at once, one write(2).
/// - A pipe is written at once while it has room and nothing is queued; otherwise lines queue
///   and the writer thread writes them, so only that thread ever waits for the reader.
/// - A terminal always goes through the writer thread (flow control can stop it).
///
/// Writing at once spares the cross-thread wake-up per exchange that a writer thread costs,
/// which at one connection is a large share of an exchange. Every line is scrubbed of known
/// credentials on its way in (`SecretScrubber`), text and JSON alike, whichever way it goes.
final class TraceSink: Sendable {
    private struct State {
        /// Lines waiting for the writer thread.
        var pending: [UInt8] = []
        /// A line being written at once to a pipe (kept between lines for its capacity).
        var line: [UInt8] = []
        /// The writer thread is writing lines it took: newer lines must queue behind them.
        var writerBusy = false
        var closed = false
    }

    private let state = Locked(State())
    private let output: OutputDescriptor
    /// Wakes the writer thread when lines queue or the sink closes.
    private let queued = NSCondition()
    private let done = DispatchSemaphore(value: 0)
    private let custom: (@Sendable (String) -> Void)?
    private let hasWriter: Bool
    private let scrubber: SecretScrubber

    /// - Parameters:
    ///   - custom: receives each line instead of stdout (tests, a client's own sink).
    ///   - fd: where lines go when there is no `custom` sink.
    ///   - scrubber: the credentials masked in every line.
    init(custom: (@Sendable (String) -> Void)?, fd: Int32 = 1, scrubber: SecretScrubber = .process) {
        self.custom = custom
        self.scrubber = scrubber
        output = OutputDescriptor(fd: fd)
        hasWriter = custom == nil && output.kind != .file
        if hasWriter {
            let t = Thread { [self] in self.writerLoop() }
            t.name = "trace-writer"
            t.start()
        }
    }

    /// Writes or queues one line (a newline is added).
    func emit(_ line: String) {
        if let custom { return custom(scrubber.scrub(line)) }
        emitLine { $0.append(contentsOf: line.utf8) }
    }

    /// Writes or queues one line written straight into a buffer by `write` (a newline is added).
    func emitLine(_ write: (inout [UInt8]) -> Void) {
        if let custom {
            var line: [UInt8] = []
            write(&line)
            custom(String(decoding: scrubber.scrub(line), as: UTF8.self))
            return
        }
        if output.kind == .file {
            // No lock: writes to one file description never interleave (the kernel serialises
            // its offset), and loops sharing a lock would wait on each other's system call.
            var line: [UInt8] = []
            line.reserveCapacity(256)
            write(&line)
            scrubber.scrub(&line, from: 0)
            line.append(0x0A)
            line.withUnsafeBytes { _ = output.writeAll($0) }
            return
        }
        let wake = state.withLock { s -> Bool in
            guard !s.closed else { return false }
            if output.kind == .pipe && !s.writerBusy && s.pending.isEmpty {
                s.line.removeAll(keepingCapacity: true)
                write(&s.line)
                scrubber.scrub(&s.line, from: 0)
                s.line.append(0x0A)
                if s.line.count <= OutputDescriptor.atomicPipeWrite && output.hasRoomNow() {
                    s.line.withUnsafeBytes { _ = output.writeAll($0) }
                    return false
                }
                s.pending.append(contentsOf: s.line)
                return true
            }
            let wasEmpty = s.pending.isEmpty
            let start = s.pending.count
            write(&s.pending)
            scrubber.scrub(&s.pending, from: start)
            s.pending.append(0x0A)
            return wasEmpty && !s.writerBusy
        }
        if wake { signalWriter() }
    }

    /// Writes what is queued and stops the writer.
    func close() {
        guard custom == nil else { return }
        let already = state.withLock { s -> Bool in
            defer { s.closed = true }
            return s.closed
        }
        guard !already, hasWriter else { return }
        signalWriter()
        done.wait()
    }

    private func signalWriter() {
        queued.lock()
        queued.signal()
        queued.unlock()
    }

    /// The only place that may wait for a slow pipe or terminal reader.
    private func writerLoop() {
        var bytes: [UInt8] = []
        while true {
            queued.lock()
            var closed = false
            while true {
                let taken = state.withLock { s -> Bool in
                    closed = s.closed
                    guard !s.pending.isEmpty else {
                        s.writerBusy = false
                        return false
                    }
                    swap(&bytes, &s.pending)
                    s.writerBusy = true
                    return true
                }
                if taken || closed { break }
                queued.wait()
            }
            queued.unlock()
            if !bytes.isEmpty {
                bytes.withUnsafeBytes { _ = output.writeAll($0) }
                bytes.removeAll(keepingCapacity: bytes.capacity <= 1 << 20)
                continue  // what queued meanwhile goes next, before any line is written at once
            }
            if closed {
                done.signal()
                return
            }
        }
    }
}
