@testable import RelayCore
import Testing

/// Header names in a recording line are lower case, whatever case they travelled in.
@Suite struct RecordingCodecHeaderTests {
    static func written(_ name: String) -> String {
        var out: [UInt8] = []
        RecordingCodec.writeLowercasedName(name, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test(arguments: [("Content-Type", #""content-type""#), ("X-Request-ID", #""x-request-id""#),
                      ("accept", #""accept""#), ("Weird\"Name", #""weird\"name""#), ("Ünï", #""ünï""#)])
    func namesAreWrittenLowercasedAndEscaped(name: String, expected: String) {
        #expect(Self.written(name) == expected)
    }

    @Test func aRecordedLineCarriesLowercasedNames() throws {
        let codec = RecordingCodec(sha256Hex: { _ in "" })
        let e = RecordedExchange(seq: 1, tMs: 0, durationMs: 0, kind: .api, origin: try #require(Origin(url: "http://127.0.0.1:1")),
                                 request: HTTPRequestHead(method: "POST", target: "/jmap/api/", headers: HTTPHeaders([HTTPField(name: "Content-Type", value: "application/json")])),
                                 requestBody: nil,
                                 response: HTTPResponseHead(status: 200, headers: HTTPHeaders([HTTPField(name: "X-Trace", value: "a")])),
                                 responseBody: nil)
        let line = String(decoding: codec.exchangeLine(e).line, as: UTF8.self)
        #expect(line.contains(#"["content-type","application/json"]"#))
        #expect(line.contains(#"["x-trace","a"]"#))
    }
}
