import Foundation
import JMAPRelay
import RelayCore
import Testing

/// The recorder writes from several loops at once without a lock around write(2): one thread
/// writes, lines arriving meanwhile are written by it before it lets go. Nothing may be lost,
/// doubled or interleaved, however the threads meet.
@Suite struct RecordingFileConcurrencyTests {
    static func exchange(_ n: Int, bodyBytes: Int) -> RecordedExchange {
        let pad = String(repeating: "x", count: bodyBytes)
        return RecordedExchange(
            seq: 0, tMs: n, durationMs: 1, kind: .api, origin: Origin(url: "http://127.0.0.1:1")!,
            request: HTTPRequestHead(method: "POST", target: "/jmap/api/", headers: ["Content-Type": "application/json"]),
            requestBody: Array(#"{"using":[],"methodCalls":[["Core/echo",{"n":\#(n)},"c"]]}"#.utf8),
            response: HTTPResponseHead(status: 200, headers: ["Content-Type": "application/json"]),
            responseBody: Array(#"{"methodResponses":[["Core/echo",{"n":\#(n),"pad":"\#(pad)"},"c"]],"sessionState":"s"}"#.utf8))
    }

    @Test func linesFromManyThreadsAllArriveWhole() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("conc-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let header = RecordingHeader(created: "now", upstream: "http://127.0.0.1:1", origins: [Origin(url: "http://127.0.0.1:1")!], relay: "t")
        let file = try RecordingFile(path: path, mode: .all, header: header, redactor: Redactor())
        let threads = 8
        let each = 300
        // Bodies of different sizes (some over a page) make the writes take different times.
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            for k in 0..<each {
                let n = t * each + k
                file.append(Self.exchange(n, bodyBytes: (n % 7) * 1500), jmapMethods: ["Core/echo"])
            }
        }
        file.close()

        let recording = try RecordingFile.load(path: path)
        #expect(recording.exchanges.count == threads * each)
        #expect(Set(recording.exchanges.map(\.seq)) == Set(1...(threads * each)), "every seq once")
        let echoed = recording.exchanges.compactMap { e in
            e.responseBody.flatMap { try? JSONParser.parse($0) }?["methodResponses"]?[0]?[1]?["n"]?.intValue
        }
        #expect(Set(echoed) == Set(0..<(threads * each)), "every exchange once, its body intact")
        // A line written after close is refused, not written into a closed descriptor.
        file.append(Self.exchange(-1, bodyBytes: 0), jmapMethods: [])
        #expect(try RecordingFile.load(path: path).exchanges.count == threads * each)
    }
}
