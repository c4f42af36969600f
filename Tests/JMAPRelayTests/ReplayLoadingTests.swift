import Foundation
import JMAPRelay
import RelayCore
import Testing

/// Replay loads a recording without its answers or request headers and reads each answer
/// (head and body) from the file when served.
@Suite struct ReplayLoadingTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: ["sync.jsonl", "fastmail-demo.jsonl", "push-demo.jsonl"])
    func answersReadByOffsetAreTheRecordedOnes(_ name: String) throws {
        let path = Self.root.appendingPathComponent("recordings/\(name)").path
        let whole = try RecordingFile.load(path: path)
        let (indexed, answers) = try RecordingFile.loadForReplay(path: path)
        #expect(indexed.exchanges.count == whole.exchanges.count)
        #expect(indexed.otherLines == whole.otherLines)
        for (i, e) in whole.exchanges.enumerated() {
            #expect(indexed.exchanges[i].responseBody == nil)
            #expect(indexed.exchanges[i].request.headers.count == 0)
            #expect(answers(i) == StoredAnswer(head: e.response, body: e.responseBody), "\(name) #\(e.seq)")
            #expect(indexed.exchanges[i].response.headers.count == 0)
            var head = indexed.exchanges[i]
            head.responseBody = e.responseBody
            head.request.headers = e.request.headers
            head.response.headers = e.response.headers
            #expect(head == e)
        }
    }

    @Test func aReplayServesTheAnswerFromTheFile() throws {
        let path = Self.root.appendingPathComponent("recordings/sync.jsonl").path
        let whole = try RecordingFile.load(path: path)
        let (indexed, answers) = try RecordingFile.loadForReplay(path: path)
        var matcher = ReplayMatcher(recording: indexed, storedAnswers: answers)
        let e = whole.exchanges.first { $0.kind == .api }!
        guard case .hit(let head, let body, let seq) = matcher.answer(origin: e.origin, head: e.request, body: e.requestBody ?? []) else {
            Issue.record("no answer")
            return
        }
        #expect(seq == e.seq)
        #expect(body == e.responseBody)
        #expect(head == e.response)
    }

    @Test func anAnswerServedAgainIsNotReadFromTheFileAgain() throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("replay-cache-\(UUID().uuidString).jsonl")
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("recordings/sync.jsonl"), to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let whole = try RecordingFile.load(path: copy.path)
        let (_, answers) = try RecordingFile.loadForReplay(path: copy.path)
        let first = try #require(answers(1))
        #expect(first.body == whole.exchanges[1].responseBody)
        // The file is gone from under the replay: the answer served once is served from memory,
        // one never served before cannot be read any more.
        try Data().write(to: copy)
        #expect(answers(1) == first)
        #expect(answers(2) == nil)
    }
}

/// `normalize` on files: lines in seq order as a stream, lines out of order in memory, the
/// same tokens either way.
@Suite struct NormalizeFileTests {
    @Test func aFileOutOfSeqOrderGetsTheTokensItWouldInOrder() throws {
        let source = ReplayLoadingTests.root.appendingPathComponent("recordings/push-demo.jsonl").path
        let lines = try String(contentsOfFile: source, encoding: .utf8).split(separator: "\n").map(String.init)
        var swappedLines = lines
        swappedLines.swapAt(2, 3)  // the Email/set (seq 2) after the push it caused (seq 3)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("normalize-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let inOrder = dir.appendingPathComponent("in-order.jsonl").path
        let outOfOrder = dir.appendingPathComponent("out-of-order.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: inOrder, atomically: true, encoding: .utf8)
        try (swappedLines.joined(separator: "\n") + "\n").write(toFile: outOfOrder, atomically: true, encoding: .utf8)
        var a = IdNormalizer()
        let streamed = try RecordingFile.normalize(input: inOrder, output: inOrder + ".out", normalizer: &a)
        var b = IdNormalizer()
        let whole = try RecordingFile.normalize(input: outOfOrder, output: outOfOrder + ".out", normalizer: &b)
        var expected = try String(contentsOfFile: inOrder + ".out", encoding: .utf8).split(separator: "\n").map(String.init)
        expected.swapAt(2, 3)
        #expect(try String(contentsOfFile: outOfOrder + ".out", encoding: .utf8) == expected.joined(separator: "\n") + "\n")
        #expect(expected.joined() != swappedLines.joined())
        #expect(streamed.changedLineCount == whole.changedLineCount)
        #expect(streamed.lineCount == whole.lineCount)
    }

    @Test func aCorruptLineLeavesNoOutput() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("normalize-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("bad.jsonl").path
        let source = ReplayLoadingTests.root.appendingPathComponent("recordings/sync.jsonl").path
        try (try String(contentsOfFile: source, encoding: .utf8) + "{oops\n" + "{}\n").write(toFile: input, atomically: true, encoding: .utf8)
        var n = IdNormalizer()
        #expect(throws: RecordingError.self) { try RecordingFile.normalize(input: input, output: input + ".out", normalizer: &n) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["bad.jsonl"])
    }
}
