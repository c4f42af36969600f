import Foundation
import JMAPRelay
import RelayTestSupport
import Testing

/// Faults in replay: a recorded request cannot be split (it would no longer match), so a
/// failed call gets its error in place and the other calls their recorded answers.
@Suite struct ReplayFaultTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func oneCallOfARecordedBatchFails() throws {
        let path = Self.root.appendingPathComponent("recordings/fastmail-demo.jsonl").path
        let recorded = try RecordingFile.load(path: path).exchanges.first {
            $0.requestBody.map { String(decoding: $0, as: UTF8.self).contains("EmailSubmission/set") } ?? false
        }
        let body = try #require(recorded?.requestBody)
        let relay = try Relay.replaying(path) { $0.faults = [try! FaultSpec.parse("call=EmailSubmission/set action=method-error:serverFail")] }
        defer { relay.stop() }
        let c = try RawHTTPClient(port: relay.port)
        _ = try c.request("GET", "/jmap")
        let r = try c.request("POST", "/jmap/", headers: ["Content-Type": "application/json"], body: body)
        #expect(r.head.status == 200)
        let names = r.json?["methodResponses"]?.arrayValue?.map { $0[0]?.stringValue }
        #expect(names?.first == "Email/set")
        #expect(names?.contains("error") == true)
        #expect(relay.misses.isEmpty)
    }
}
