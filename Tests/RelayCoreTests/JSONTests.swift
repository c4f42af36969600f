import Testing

@testable import RelayCore

@Suite struct JSONTests {
    @Test func parsesAndKeepsTypesApart() throws {
        let v = try JSONParser.parse(#"{"a":true,"b":1,"c":1.5,"d":null,"e":"x\/y\u00e9\ud83d\ude00","f":[1,{"g":[]}]}"#)
        #expect(v["a"] == .bool(true))
        #expect(v["b"] == .int(1))
        #expect(v["a"] != .int(1))
        #expect(v["c"] == .double(1.5))
        #expect(v["d"] == .null)
        #expect(v["e"] == .string("x/yé😀"))
        #expect(v["f"]?[1]?["g"] == .array([]))
    }

    @Test func keepsKeyOrderButComparesWithoutIt() throws {
        let a = try JSONParser.parse(#"{"z":1,"a":2}"#)
        let b = try JSONParser.parse(#"{"a":2,"z":1}"#)
        #expect(a == b)
        #expect(a.serializedString() == #"{"z":1,"a":2}"#)
        #expect(a.serializedString(sortedKeys: true) == #"{"a":2,"z":1}"#)
    }

    @Test func roundTripsEscapes() throws {
        let s = "line\nbreak \"quoted\" back\\slash tab\t ctl\u{01} /slash"
        let text = JSONValue.string(s).serializedString()
        #expect(text == #""line\nbreak \"quoted\" back\\slash tab\t ctl\u0001 /slash""#)
        #expect(try JSONParser.parse(text) == .string(s))
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "tru", "01x", "1.", "-", "\"abc", "{\"a\" 1}", "[1 2]", "\"\\q\"",
        "\"a\u{01}\"", "1 2", "{1:2}", "nul", "[", "\"\\u12\"",
    ])
    func rejectsMalformed(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func limitsNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func errorNamesTheOffset() {
        do {
            _ = try JSONParser.parse(#"{"a":[1,2,}"#)
            Issue.record("expected an error")
        } catch let e as JSONParseError {
            #expect(e.offset == 10)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
