import RelayCore
import RelayTestSupport
import Testing

@Suite struct HARExporterTests {
    let exporter = HARExporter(creatorVersion: "test")

    static func exchange(
        target: String = "/jmap/api/", requestHeaders: HTTPHeaders = [:], requestBody: [UInt8]? = nil,
        responseHeaders: HTTPHeaders = [:], responseBody: [UInt8]? = nil, status: Int = 200
    ) -> RecordedExchange {
        RecordedExchange(
            seq: 1, tMs: 1500, durationMs: 7, kind: .api, origin: Origin(url: "https://jmap.example:8443")!,
            request: HTTPRequestHead(method: "POST", target: target, headers: requestHeaders), requestBody: requestBody,
            response: HTTPResponseHead(status: status, headers: responseHeaders), responseBody: responseBody)
    }

    @Test(arguments: ["fastmail-demo.jsonl", "sync.jsonl"])
    func shippedRecordingsExportAsValidHAR(_ name: String) throws {
        let recording = try Fixture.recording(name)
        let har = exporter.har(recording)
        #expect(HARValidator.problems(har) == [])
        #expect(har["log"]?["entries"]?.arrayValue?.count == recording.exchanges.count)
        // The text parses back to the same document.
        #expect(try JSONParser.parse(har.prettySerialized()) == har)
    }

    @Test func fastmailDemoMatchesTheGoldenFile() throws {
        let har = exporter.har(try Fixture.recording("fastmail-demo.jsonl"))
        let text = String(decoding: har.prettySerialized(), as: UTF8.self)
        let (read, record) = Fixture.golden("fastmail-demo.har")
        let diff = Golden.check(text, against: read, recordTo: record)
        #expect(diff == nil, "\(diff ?? "")")
    }

    @Test func theValidatorNamesWhatIsMissingOrMistyped() throws {
        var har = exporter.har([Self.exchange()], created: "2026-11-24T15:20:30Z")
        guard case .object(var log)? = har["log"], case .array(var entries)? = log["entries"], case .object(var e) = entries[0]
        else { Issue.record("unexpected shape"); return }
        e["cache"] = nil
        e["time"] = "7"
        entries[0] = .object(e)
        log["entries"] = .array(entries)
        har["log"] = .object(log)
        #expect(HARValidator.problems(har) == ["$.log.entries[0].time: expected a number", "$.log.entries[0].cache: required, missing"])
        #expect(HARValidator.problems(["log": ["version": "1.2"]]).contains("$.log.creator: required, missing"))
    }

    @Test func startedDateTimeIsTheRecordingStartPlusTMs() {
        let har = exporter.har([Self.exchange()], created: "2026-12-31T23:59:59Z")
        #expect(har["log"]?["entries"]?[0]?["startedDateTime"] == "2027-01-01T00:00:00.500Z")
        #expect(har["log"]?["entries"]?[0]?["time"] == 7)
        #expect(har["log"]?["entries"]?[0]?["timings"]?["wait"] == 7)
    }

    @Test func credentialsAreMaskedEvenIfTheRecordingKeptThem() {
        let e = Self.exchange(
            requestHeaders: ["Authorization": "Bearer canary-h4r", "Cookie": "s=canary-h4r", "X-Auth-Token": "canary-h4r"],
            responseHeaders: ["Set-Cookie": "s=canary-h4r; HttpOnly"])
        let text = exporter.har([e], created: "").serializedString()
        #expect(!text.contains("canary-h4r"))
        #expect(text.contains(#"{"name":"Authorization","value":"***"}"#))
        #expect(text.contains(#""cookies":[]"#))
    }

    @Test func urlIsAbsoluteAndTheQueryIsDecoded() {
        let e = Self.exchange(target: "/jmap/download/u1/B1/f.txt?accept=text%2Fplain&x")
        let req = exporter.entry(e, startedMs: 0)["request"]
        #expect(req?["url"] == "https://jmap.example:8443/jmap/download/u1/B1/f.txt?accept=text%2Fplain&x")
        #expect(req?["queryString"] == [["name": "accept", "value": "text/plain"], ["name": "x", "value": ""]])
    }

    @Test func binaryBodiesAreBase64WithEncodingAndTextStaysText() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00]
        let e = Self.exchange(
            requestHeaders: ["Content-Type": "application/json"], requestBody: Array(#"{"a":"é"}"#.utf8),
            responseHeaders: ["Content-Type": "image/png"], responseBody: png)
        let entry = exporter.entry(e, startedMs: 0)
        #expect(entry["request"]?["postData"] == ["mimeType": "application/json", "text": #"{"a":"é"}"#])
        #expect(entry["request"]?["bodySize"] == 10)
        #expect(entry["response"]?["content"]?["encoding"] == "base64")
        #expect(entry["response"]?["content"]?["text"] == .string(Base64.encode(png)))
        #expect(entry["response"]?["content"]?["size"] == 9)
        // Bytes that are not UTF-8 are base64 whatever the media type says.
        let latin1 = exporter.entry(Self.exchange(responseHeaders: ["Content-Type": "text/plain"], responseBody: [0x63, 0x61, 0xE9]), startedMs: 0)
        #expect(latin1["response"]?["content"]?["encoding"] == "base64")
    }

    @Test func timestampsRoundTrip() {
        #expect(ISOTimestamp.parse("1970-01-01T00:00:00Z") == 0)
        #expect(ISOTimestamp.parse("2026-11-24T15:20:30Z").map { ISOTimestamp.format(msSinceEpoch: $0) } == "2026-11-24T15:20:30.000Z")
        #expect(ISOTimestamp.parse("2024-02-29T12:00:00.25+02:00") == ISOTimestamp.parse("2024-02-29T10:00:00.250Z"))
        #expect(ISOTimestamp.format(msSinceEpoch: -1) == "1969-12-31T23:59:59.999Z")
        #expect(ISOTimestamp.parse("yesterday") == nil)
        #expect(ISOTimestamp.parse("2026-13-01T00:00:00Z") == nil)
    }
}
