import Testing

@testable import RelayCore

@Suite struct JMAPScannerTests {
    @Test func readsRequestNamesAndIds() {
        let body = ##"{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],"methodCalls":[["Email/query",{"filter":{"inMailbox":"a\"b"}},"c0"],["Email/get",{"#ids":{"resultOf":"c0","name":"Email/query","path":"/ids"}},"c1"]]}"##
        let s = JMAPScanner.scanRequest(Array(body.utf8))
        #expect(s?.methodNames == ["Email/query", "Email/get"])
        #expect(s?.callIds == ["c0", "c1"])
    }

    @Test func readsErrorsAndSetErrorsWithSpacesAndNulls() {
        let body = #"{"methodResponses": [["Mailbox/get", {"list": []}, "0"], ["Email/set", {"accountId": "u1", "notCreated": {"x": {"type": "overQuota"}, "y": {}}, "notUpdated": null, "notDestroyed": {"m1": {"type": "notFound"}}}, "1"], ["error", {"type": "serverFail", "description": "x"}, "2"]], "sessionState": "s1"}"#
        let s = JMAPScanner.scanResponse(Array(body.utf8))
        #expect(s?.methodNames == ["Mailbox/get", "Email/set", "error"])
        #expect(s?.errors == [JMAPMethodErrorSummary(callId: "2", type: "serverFail")])
        #expect(s?.notCreated == 2)
        #expect(s?.notUpdated == 0)
        #expect(s?.notDestroyed == 1)
        #expect(s?.sessionState == "s1")
    }

    @Test func readsProblemBodies() {
        let s = JMAPScanner.scanResponse(Array(#"{"type":"urn:ietf:params:jmap:error:limit","limit":"maxCallsInRequest","status":400}"#.utf8))
        #expect(s?.problemType == "urn:ietf:params:jmap:error:limit")
    }

    @Test func agreesWithTheFullParserOnGeneratedBodies() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var responses: [JSONValue] = []
            var expectedErrors: [JMAPMethodErrorSummary] = []
            var expectedNotCreated = 0
            for i in 0..<Int.random(in: 0...6, using: &rng) {
                let id = "c\(i)"
                if Bool.random(using: &rng) {
                    let t = ["serverFail", "invalidArguments", "x\"y"].randomElement(using: &rng)!
                    responses.append(["error", ["type": .string(t)], .string(id)])
                    expectedErrors.append(JMAPMethodErrorSummary(callId: id, type: t))
                } else {
                    let n = Int.random(in: 0...3, using: &rng)
                    var nc = JSONObject()
                    for k in 0..<n { nc["k\(k)"] = ["type": "overQuota", "nested": [1, [2, ["a": nil]]]] }
                    expectedNotCreated += n
                    responses.append(["Email/set", ["notCreated": n == 0 ? .null : .object(nc), "list": [1.5, true, "s"]], .string(id)])
                }
            }
            let body: JSONValue = ["methodResponses": .array(responses), "sessionState": "st"]
            let s = try #require(JMAPScanner.scanResponse(body.serialized()))
            #expect(s.errors == expectedErrors)
            #expect(s.notCreated == expectedNotCreated)
        }
    }

    @Test func neverCrashesOnTruncatedInput() {
        let body = Array(#"{"methodResponses":[["error",{"type":"serverFail"},"0"],["Email/set",{"notCreated":{"a":{}}},"1"]],"sessionState":"s"}"#.utf8)
        let whole = JMAPScanner.scanResponse(body)
        #expect(whole?.methodNames == ["error", "Email/set"])
        for n in 0..<body.count {
            // A cut body yields nothing, or no more than the whole one says: never a made-up call.
            if let s = JMAPScanner.scanResponse(Array(body[0..<n])) {
                #expect(["error", "Email/set"].starts(with: s.methodNames), "cut at \(n)")
                #expect(s.notCreated <= 1, "cut at \(n)")
            }
            if let s = JMAPScanner.scanRequest(Array(body[0..<n])) { #expect(s.methodNames.isEmpty, "cut at \(n)") }
        }
    }

    /// Skipped values are matched bracket for bracket, and brackets or escaped quotes inside
    /// strings do not count.
    @Test func skipsNestedValuesWhole() {
        let list = #"{"list": [{"a": "x]}\"[{", "b": [[1, 2], {"c": {}}], "d": "\\"}, []], "notCreated": {"k": {}}}"#
        let body = #"{"methodResponses": [["Email/set", "# + list + #", "0"]], "sessionState": "s9"}"#
        let s = JMAPScanner.scanResponse(Array(body.utf8))
        #expect(s?.methodNames == ["Email/set"])
        #expect(s?.notCreated == 1)
        #expect(s?.sessionState == "s9")
        for bad in [#"{"list": [{"a": 1]}"#, #"{"list": [1, 2}"#, #"{"list": [{"a": "unterminated}]}"#, #"{"list": [[[[]]]"#] {
            let b = #"{"methodResponses": [["Email/set", "# + bad + #", "0"]]}"#
            #expect(JMAPScanner.scanResponse(Array(b.utf8)) == nil, "\(bad)")
        }
    }

    @Test func nestingBeyondTheLimitIsRefused() {
        let deep = #"{"x": "# + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "}"
        let b = #"{"methodResponses": [["Email/set", "# + deep + #", "0"]]}"#
        #expect(JMAPScanner.scanResponse(Array(b.utf8)) == nil)
        let ok = #"{"x": "# + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}"
        let b2 = #"{"methodResponses": [["Email/set", "# + ok + #", "0"]]}"#
        #expect(JMAPScanner.scanResponse(Array(b2.utf8))?.methodNames == ["Email/set"])
    }

    /// Values full of the bytes the skipper looks for, at every offset in its eight-byte words:
    /// skipping one must land exactly after it, so the member after it is still read.
    @Test func skipsTrickyValuesAtEveryAlignment() {
        let pieces = [#""a\"]""#, #""\\""#, #""[{""#, #""}]\\\"""#, "[]", "{}", #"{"y_Y": [1, {"z": "\"\\"}]}"#, "true", #""é""#]
        var rng = SplitMix64(seed: 7)
        for _ in 0..<300 {
            var value = "["
            for k in 0..<Int(rng.next() % 6) {
                if k > 0 { value += ", " }
                value += pieces[Int(rng.next() % UInt64(pieces.count))]
            }
            value += "]"
            let pad = String(repeating: " ", count: Int(rng.next() % 8))
            let body = #"{"methodResponses": [["X/set", {"a":"# + pad + value + #", "notCreated": {"k": {}}}, "0"]]}"#
            #expect(JMAPScanner.scanResponse(Array(body.utf8))?.notCreated == 1, "\(body)")
        }
    }
}
