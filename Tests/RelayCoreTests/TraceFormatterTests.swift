import Testing

@testable import RelayCore

@Suite struct TraceFormatterTests {
    @Test func plainExchangeLine() {
        var r = TraceRecord(seq: 12, method: "POST", target: "/jmap/api/", status: 200, durationMs: 4.16, kind: .api)
        r.jmapMethods = ["Email/query", "Email/get"]
        #expect(TraceFormatter.text(r) == "#12 POST /jmap/api/ 200 4.1ms Email/query,Email/get")
    }

    @Test func problemsFaultsAndNotesFollow() {
        var r = TraceRecord(seq: 3, method: "POST", target: "/jmap/api/", status: nil, durationMs: 0, kind: .api)
        r.jmapMethods = ["Email/set"]
        r.methodErrors = [.init(callId: "c1", method: "Email/set", type: "serverFail"), .init(callId: "c9", method: nil, type: "x")]
        r.notCreated = 1
        r.error = "reset: connection closed"
        r.faults = ["r1 reset", "r2 delay"]
        r.notes = ["lint: a", "lint: b"]
        #expect(TraceFormatter.text(r) == """
            #3 POST /jmap/api/ --- 0.0ms Email/set  ! error:serverFail(Email/set) error:x(c9) notCreated=1 reset: connection closed  [fault: r1 reset; r2 delay]
                lint: a
                lint: b
            """)
    }

    /// Under 10 ms the bytes are written without a String; the same text as `formatDuration`.
    @Test(arguments: [0, 0.04, 0.96, 1, 3.05, 9.99, 10, 41.4, 9_999, 12_345, -1])
    func durationAsBytesMatchesTheString(_ ms: Double) {
        var out: [UInt8] = []
        TraceFormatter.writeDuration(ms, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == TraceFormatter.formatDuration(ms))
    }

    @Test func longTargetsAreShortened() {
        let r = TraceRecord(seq: 1, method: "GET", target: "/d?" + String(repeating: "q", count: 200), status: 200, durationMs: 12, kind: .download)
        let line = TraceFormatter.text(r)
        #expect(line.hasPrefix("#1 GET /d?qqq"))
        #expect(line.contains("... 200 12ms"))
    }

    @Test(arguments: [0, 7, 10, 99, 1234, -5, Int.max, Int.min])
    func decimals(_ n: Int) {
        var out: [UInt8] = []
        out.appendDecimal(n)
        #expect(String(decoding: out, as: UTF8.self) == String(n))
    }
}

@Suite struct StreamEndTraceTests {
    @Test func aClientClosingAnEventStreamIsItsNormalEndNotAnError() {
        var r = TraceRecord(seq: 2, method: "GET", target: "/jmap/eventsource/?types=*", status: 200, durationMs: 3_600_000, kind: .eventSource)
        r.clientClosed = true
        r.eventStream = true
        #expect(TraceFormatter.text(r) == "#2 GET /jmap/eventsource/?types=* 200 3600.0s  client closed")
        #expect(TraceFormatter.json(r).contains(#""clientClosed":true"#))
        #expect(!TraceFormatter.json(r).contains(#""error""#))
    }

    @Test func aClientLeavingAnyOtherResponseIsStillMarked() {
        var r = TraceRecord(seq: 5, method: "GET", target: "/jmap/download/a/b/f", status: 200, durationMs: 12, kind: .download)
        r.clientClosed = true
        #expect(TraceFormatter.text(r) == "#5 GET /jmap/download/a/b/f 200 12ms  ! client closed")
    }

    @Test func aStreamThatFailsKeepsTheMark() {
        var r = TraceRecord(seq: 2, method: "GET", target: "/jmap/eventsource/", status: 200, durationMs: 50, kind: .eventSource)
        r.eventStream = true
        r.error = "recv: Connection reset by peer"
        #expect(TraceFormatter.text(r) == "#2 GET /jmap/eventsource/ 200 50ms  ! recv: Connection reset by peer")
    }
}
