import Foundation
import JMAPRelay
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The README's "From Swift tests" example, line for line: if this breaks, so does the README.
@Suite struct ReadmeUsageTests {
    @Test func replayTheShippedRecordingWithAFault() async throws {
        let relay = try Relay.replaying("recordings/fastmail-demo.jsonl")   // started on port 0, no network
        defer { relay.stop() }
        try relay.faults.add("call=Identity/get action=method-error:serverFail nth=1")
        let session = try await URLSession.shared.data(from: URL(string: relay.sessionURL)!).0
        var request = URLRequest(url: URL(string: relay.baseURL + "/jmap/")!)
        (request.httpMethod, request.httpBody) = ("POST", Data(#"{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:submission"],"methodCalls":[["Identity/get",{"accountId":"test"},"c1"]]}"#.utf8))
        let answer = String(decoding: try await URLSession.shared.data(for: request).0, as: UTF8.self)
        #expect(String(decoding: session, as: UTF8.self).contains(relay.baseURL + "/jmap/"))
        #expect(answer.contains(#"["error",{"type":"serverFail"},"c1"]"#) && relay.misses.isEmpty)
    }
}
