import Foundation
import Synchronization

/// Writes trace lines to stdout without making the exchange wait for the terminal: lines are
/// appended to a buffer under a lock and a writer thread flushes it. A line reaches stdout
/// within about two milliseconds; under load many lines go out in one write.
final class TraceSink: Sendable {
    private struct State {
        var pending: [UInt8] = []
        var closed = false
    }

    private let state = Locked(State())
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let custom: (@Sendable (String) -> Void)?

    init(custom: (@Sendable (String) -> Void)?) {
        self.custom = custom
        if custom == nil {
            let t = Thread { [self] in self.writerLoop() }
            t.name = "trace-writer"
            t.start()
        }
    }

    /// Queues one line (a newline is added).
    func emit(_ line: String) {
        if let custom { return custom(line) }
        emitLine { $0.append(contentsOf: line.utf8) }
    }

    /// Queues one line written straight into the buffer by `write` (a newline is added).
    func emitLine(_ write: (inout [UInt8]) -> Void) {
        if let custom {
            var line: [UInt8] = []
            write(&line)
            custom(String(decoding: line, as: UTF8.self))
            return
        }
        let first = state.withLock { s -> Bool in
            let wasEmpty = s.pending.isEmpty
            write(&s.pending)
            s.pending.append(0x0A)
            return wasEmpty
        }
        if first { wake.signal() }
    }

    /// Flushes what is queued and stops the writer.
    func close() {
        guard custom == nil else { return }
        let already = state.withLock { s -> Bool in
            defer { s.closed = true }
            return s.closed
        }
        if already { return }
        wake.signal()
        done.wait()
    }

    private func writerLoop() {
        while true {
            wake.wait()
            // Let lines gather for a moment: under load one write carries hundreds of them,
            // and the exchanges' threads are not woken by a writer per line.
            if !state.withLock({ $0.closed }) { Thread.sleep(forTimeInterval: 0.002) }
            let (bytes, closed) = state.withLock { s -> ([UInt8], Bool) in
                let b = s.pending
                s.pending.removeAll(keepingCapacity: true)
                return (b, s.closed)
            }
            if !bytes.isEmpty { FileHandle.standardOutput.write(Data(bytes)) }
            if closed {
                done.signal()
                return
            }
        }
    }
}
