import Testing

@testable import RelayCore

private let origin = Origin(url: "http://127.0.0.1:8480")!

private func exchange(_ seq: Int, _ method: String, _ target: String, request: String? = nil, response: String = "{}",
                      kind: EndpointKind = .api) -> RecordedExchange {
    RecordedExchange(seq: seq, tMs: seq, durationMs: 1, kind: kind, origin: origin,
                     request: HTTPRequestHead(method: method, target: target), requestBody: request.map { Array($0.utf8) },
                     response: HTTPResponseHead(status: 200), responseBody: Array(response.utf8))
}

private func matcher(_ e: [RecordedExchange]) -> ReplayMatcher {
    ReplayMatcher(recording: Recording(header: RecordingHeader(created: "", upstream: origin.httpBase, origins: [origin], relay: "t"),
                                       exchanges: e, otherLines: [], warnings: []))
}

private func query(_ mailbox: String, callId: String = "0") -> String {
    #"{"using":[],"methodCalls":[["Email/query",{"accountId":"a","filter":{"inMailbox":"\#(mailbox)"}},"\#(callId)"]]}"#
}

@Suite struct ReplayMatchIndexTests {
    @Test func sameShapeSharesAKeyWhateverTheBytesAndTheTargetStillCounts() {
        let index = matcher([
            exchange(1, "POST", "/jmap/", request: query("a")),
            exchange(2, "POST", "/jmap/", request: query("a")),
            exchange(3, "POST", "/jmap/", request: query("a", callId: "other")),
            exchange(4, "POST", "/api/", request: query("a")),
            exchange(5, "POST", "/jmap/", request: query("b")),
            exchange(6, "GET", "/jmap/", kind: .session),
        ]).matchIndex
        #expect(index.keyIDs == [0, 0, 0, 1, 2, 3])
        #expect(index.ids.map { $0?.callIds } == [["0"], ["0"], ["other"], ["0"], ["0"], nil])
    }

    @Test func aMissAmongRepeatedRequestsNamesTheFirstNearestAndItsRebuiltShape() throws {
        var m = matcher([
            exchange(1, "POST", "/api/", request: query("abc")),
            exchange(2, "POST", "/jmap/", request: query("zzz")),
            exchange(3, "POST", "/jmap/", request: query("abc")),
            exchange(4, "POST", "/jmap/", request: query("abc")),
            exchange(5, "GET", "/jmap/", kind: .session),
        ])
        guard case .miss(let miss) = m.answer(origin: origin, head: HTTPRequestHead(method: "POST", target: "/jmap/"),
                                              body: Array(query("xyz").utf8)) else {
            Issue.record("expected a miss")
            return
        }
        #expect(miss.nearestSeq == 2)
        #expect(miss.diff == [#"methodCalls[0][1].filter.inMailbox: recorded "zzz", got "xyz""#])
        #expect(miss.nearest == JMAPRequestShape(body: Array(query("zzz").utf8))?.normalized)
    }

    @Test func aMissOfAPlainRequestNamesTheLongestCommonTarget() {
        var m = matcher([
            exchange(1, "GET", "/jmap/download/a/B1/x", kind: .download),
            exchange(2, "GET", "/jmap/download/a/B2/x", kind: .download),
            exchange(3, "POST", "/jmap/download/a/B2/y", request: query("a")),
        ])
        guard case .miss(let miss) = m.answer(origin: origin, head: HTTPRequestHead(method: "GET", target: "/jmap/download/a/B2/z"), body: []) else {
            Issue.record("expected a miss")
            return
        }
        #expect(miss.nearestSeq == 2)
        #expect(miss.nearest == ["method": "GET", "target": "/jmap/download/a/B2/x"])
    }
}
