import RelayCore
import RelayTestSupport
import Testing

/// The recorder embeds JSON bodies through `JSONMinifier`: what it lets through must read back
/// to the same value, and what it refuses must go the slow way, never into a line half-valid.
@Suite struct JSONMinifierTests {
    static func compact(_ s: String) -> String? { JSONMinifier.compact(Array(s.utf8)).map { String(decoding: $0, as: UTF8.self) } }

    @Test func dropsWhitespaceBetweenTokensAndKeepsTokensAsWritten() {
        let text = " {\n \"a\" : [ 1 , -0.5e+3 , true,false , null ],\t\"b\\u00e9 \\/\" :\r\n\"x  y\", \"é😀\": {} ,\"c\":[ ] } \n"
        #expect(Self.compact(text) == #"{"a":[1,-0.5e+3,true,false,null],"b\u00e9 \/":"x  y","é😀":{},"c":[]}"#)
        #expect(Self.compact("\"only a string\"") == "\"only a string\"")
        #expect(Self.compact(" 42\n") == "42")
        // On one line already: the same bytes, spaces and all (the recorder's usual case).
        #expect(Self.compact(#"{"a": [1, 2], "b": " x "}"#) == #"{"a": [1, 2], "b": " x "}"#)
        #expect(Self.compact("{\"a\": tru}") == nil)
    }

    @Test(arguments: [
        "", " ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]", "\"open", "\"bad \\x escape\"",
        "\"short \\u12\"", "\"tab\tinside\"", "01", "1.", ".5", "1e", "-", "+1", "tru", "nul", "[1]]", "{} {}", "NaN",
        "[\"\u{7F}ok\"]x", "\"\\ud800\\u0041\"",
    ])
    func refusesWhatIsNotJSON(_ text: String) {
        #expect(Self.compact(text) == nil)
        #expect((try? JSONParser.parse(Array(text.utf8))) == nil, "the parser agrees")
    }

    @Test func refusesMalformedUTF8ThatTheParserWouldRepair() {
        for bad: [UInt8] in [[0xFF], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            let input = Array("[\"a".utf8) + bad + Array("b\"]".utf8)
            #expect(JSONMinifier.compact(input) == nil)
            #expect((try? JSONParser.parse(input)) != nil, "the parser repairs it, so the recorder falls back to the tree")
        }
    }

    /// Strings are scanned eight bytes at a time: a byte that matters is caught at any offset.
    @Test func specialBytesAreSeenAtEveryOffsetOfALongString() throws {
        for at in 0..<20 {
            var plain = Array(repeating: UInt8(ascii: "a"), count: 24)
            #expect(JSONMinifier.compact(Array("\"".utf8) + plain + Array("\"".utf8)) != nil)
            plain[at] = 0x01
            #expect(JSONMinifier.compact(Array("\"".utf8) + plain + Array("\"".utf8)) == nil, "control byte at \(at)")
            plain[at] = 0xFF
            #expect(JSONMinifier.compact(Array("\"".utf8) + plain + Array("\"".utf8)) == nil, "bad UTF-8 at \(at)")
            plain[at] = UInt8(ascii: "\"")
            #expect(JSONMinifier.compact(Array("\"".utf8) + plain + Array("\"".utf8)) == nil, "early quote at \(at)")
            var escaped = Array(repeating: UInt8(ascii: "b"), count: 24)
            escaped.replaceSubrange(at..<(at + 2), with: Array("\\\"".utf8))
            let text = Array("[\"".utf8) + escaped + Array("\", 1 ]".utf8)
            let out = try #require(JSONMinifier.compact(text), "escaped quote at \(at)")
            #expect(try JSONParser.parse(out) == JSONParser.parse(text))
        }
    }

    @Test func nestingStopsWhereTheParsersDoes() {
        let ok = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        let deep = "[" + ok + "]"
        #expect(Self.compact(ok) == ok)
        #expect(Self.compact(deep) == nil)
        #expect((try? JSONParser.parse(deep)) == nil)
    }

    /// Mutated JSON: whenever the minifier accepts, the parser reads the same value from both;
    /// whenever the parser refuses, so does the minifier.
    @Test func agreesWithTheParserOnMutatedInput() throws {
        let corpus = [
            #"{"methodResponses":[["Mailbox/get",{"accountId":"u1","list":[{"id":"m1","name":"Inbox","sortOrder":0}],"notFound":[]},"0"]],"sessionState":"s1"}"#,
            #"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Email/query",{"filter":{"text":"caf\u00e9 \"x\""},"limit":-1.5e2},"a"]]}"#,
            "[true, false, null, 0, -0, 1e10, \"\\ud83d\\ude00\", {\"k\": [ ]}]",
        ].map { Array($0.utf8) }
        let mutator = FuzzMutator(dictionary: ["{", "}", "[", "]", ",", ":", "\"", "\\u", "\\", "1e", "-", "null", " "])
        var rng = FuzzRandom(seed: 11)
        var accepted = 0
        for n in 0..<20_000 {
            let input = mutator.mutate(corpus[n % corpus.count], corpus: corpus, rng: &rng)
            let parsed = try? JSONParser.parse(input)
            guard let compact = JSONMinifier.compact(input) else { continue }
            accepted += 1
            let reparsed = try JSONParser.parse(compact)
            #expect(parsed == reparsed, "\(String(decoding: input, as: UTF8.self))")
            #expect(!compact.contains(0x0A) && !compact.contains(0x0D), "a body must not break its line")
        }
        #expect(accepted > 1_000, "the mutations leave plenty of valid JSON")
    }
}

@Suite struct ContainsIgnoringASCIICaseTests {
    @Test func findsMediaTypesWhateverTheirCase() {
        #expect("application/json; charset=utf-8".containsIgnoringASCIICase("json"))
        #expect("Application/JSON".containsIgnoringASCIICase("json"))
        #expect("application/problem+json".containsIgnoringASCIICase("json"))
        #expect("text/event-stream, */*".containsIgnoringASCIICase("text/event-stream"))
        #expect(!"text/plain".containsIgnoringASCIICase("json"))
        #expect(!"jso".containsIgnoringASCIICase("json"))
        #expect(!"".containsIgnoringASCIICase("json"))
        #expect("js[n json".containsIgnoringASCIICase("json"), "'[' is not a letter to fold")
        #expect(!"js{n".containsIgnoringASCIICase("js[n"))
    }
}
