import Foundation
import Testing

@testable import JMAPRelay

/// The trace never parks the thread that emits a line, whatever the reader of stdout does, and
/// every line arrives once, whole and in order.
@Suite struct TraceSinkTests {
    static func lines(_ count: Int, size: Int) -> [String] {
        (0..<count).map { i in "#\(i) " + String(repeating: "x", count: size) }
    }

    @Test(.timeLimit(.minutes(1)))
    func aPipeNobodyReadsDoesNotBlockTheEmitter() throws {
        let pipe = Pipe()
        let sink = TraceSink(custom: nil, fd: pipe.fileHandleForWriting.fileDescriptor)
        let sent = Self.lines(400, size: 1000)  // 400 KB: six times what a pipe holds
        for line in sent { sink.emit(line) }  // would hang here if an emitter waited for the reader
        let reader = DetachedRead(pipe.fileHandleForReading)
        sink.close()
        try pipe.fileHandleForWriting.close()
        let received = String(decoding: reader.wait(), as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(received == sent)
    }

    /// A sink writing to a new temporary file, removed after `body`.
    static func withFileSink(_ body: (TraceSink, URL) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString).txt")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        let sink = TraceSink(custom: nil, fd: handle.fileDescriptor)
        try body(sink, url)
    }

    @Test func aFileGetsEveryLineAtOnce() throws {
        try Self.withFileSink { sink, url in
        let sent = Self.lines(50, size: 40)
        for (i, line) in sent.enumerated() {
            sink.emitLine { $0.append(contentsOf: line.utf8) }
            // Written before emit returns: no writer thread stands between the line and the file.
            let onDisk = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").count
            #expect(onDisk == i + 1)
        }
        sink.close()
        #expect(try String(contentsOf: url, encoding: .utf8) == sent.map { $0 + "\n" }.joined())
        }
    }

    @Test func linesFromManyThreadsArriveWholeAndOnce() throws {
        let pipe = Pipe()
        let sink = TraceSink(custom: nil, fd: pipe.fileHandleForWriting.fileDescriptor)
        let reader = DetachedRead(pipe.fileHandleForReading)
        DispatchQueue.concurrentPerform(iterations: 8) { t in
            for i in 0..<500 { sink.emit("t\(t) line \(i) " + String(repeating: "y", count: 100)) }
        }
        sink.close()
        try pipe.fileHandleForWriting.close()
        let received = String(decoding: reader.wait(), as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(received.count == 8 * 500)
        #expect(Set(received).count == 8 * 500)
        for t in 0..<8 {
            // Each thread's own lines keep their order.
            let own = received.filter { $0.hasPrefix("t\(t) ") }.map { Int($0.split(separator: " ")[2])! }
            #expect(own == Array(0..<500))
        }
    }
}

/// Reads a file handle to its end on a thread of its own.
final class DetachedRead: @unchecked Sendable {
    private var data = Data()
    private let finished = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            finished.signal()
        }
    }

    func wait() -> Data {
        finished.wait()
        return data
    }
}

/// Lines from many threads to a file all arrive whole and once (they are written without a lock).
@Suite struct TraceSinkFileTests {
    @Test func linesFromManyThreadsToAFileArriveWholeAndOnce() throws {
        try TraceSinkTests.withFileSink { sink, url in
        DispatchQueue.concurrentPerform(iterations: 8) { t in
            for i in 0..<500 { sink.emit("t\(t) line \(i) " + String(repeating: "z", count: 100)) }
        }
        sink.close()
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 8 * 500)
        #expect(Set(lines).count == 8 * 500)
        #expect(lines.allSatisfy { $0.hasSuffix(String(repeating: "z", count: 100)) })
        }
    }
}
