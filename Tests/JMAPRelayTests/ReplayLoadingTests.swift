import Foundation
import JMAPRelay
import RelayCore
import Testing

/// Replay loads a recording without its answers and reads each from the file when served.
@Suite struct ReplayLoadingTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: ["sync.jsonl", "fastmail-demo.jsonl", "push-demo.jsonl"])
    func answersReadByOffsetAreTheRecordedOnes(_ name: String) throws {
        let path = Self.root.appendingPathComponent("recordings/\(name)").path
        let whole = try RecordingFile.load(path: path)
        let (indexed, bodies) = try RecordingFile.loadForReplay(path: path)
        #expect(indexed.exchanges.count == whole.exchanges.count)
        #expect(indexed.otherLines == whole.otherLines)
        for (i, e) in whole.exchanges.enumerated() {
            #expect(indexed.exchanges[i].responseBody == nil)
            #expect(bodies(i) == e.responseBody, "\(name) #\(e.seq)")
            var head = indexed.exchanges[i]
            head.responseBody = e.responseBody
            #expect(head == e)
        }
    }

    @Test func aReplayServesTheAnswerFromTheFile() throws {
        let path = Self.root.appendingPathComponent("recordings/sync.jsonl").path
        let whole = try RecordingFile.load(path: path)
        let (indexed, bodies) = try RecordingFile.loadForReplay(path: path)
        var matcher = ReplayMatcher(recording: indexed, responseBodies: bodies)
        let e = whole.exchanges.first { $0.kind == .api }!
        guard case .hit(_, let body, let seq) = matcher.answer(origin: e.origin, head: e.request, body: e.requestBody ?? []) else {
            Issue.record("no answer")
            return
        }
        #expect(seq == e.seq)
        #expect(body == e.responseBody)
    }
}
