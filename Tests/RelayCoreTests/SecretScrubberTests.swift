import RelayTestSupport
import Testing

@testable import RelayCore

@Suite struct SecretScrubberTests {
    private func scrubber(_ secrets: String...) -> SecretScrubber {
        let s = SecretScrubber()
        for x in secrets { s.learn(x) }
        return s
    }

    @Test func masksEveryOccurrenceAtLineStartMiddleAndEnd() {
        let s = scrubber("tok-12345678")
        #expect(s.scrub("tok-12345678") == "***")
        #expect(s.scrub("tok-12345678 at start") == "*** at start")
        #expect(s.scrub("at end tok-12345678") == "at end ***")
        #expect(s.scrub("a tok-12345678 b tok-12345678c") == "a *** b ***c")
        #expect(s.scrub("tok-1234567") == "tok-1234567")
    }

    @Test func overlappingAndAdjacentSecretsBecomeOneMask() {
        let s = scrubber("abcdefgh-XYZ", "XYZ-12345678", "aaaaaaaa")
        #expect(s.scrub("<abcdefgh-XYZ-12345678>") == "<***>")
        #expect(s.scrub("<abcdefgh-XYZXYZ-12345678>") == "<***>")
        #expect(s.scrub("aaaaaaaaaaaa!") == "***!")
        // One secret inside a longer one.
        let nested = scrubber("Bearer secret-token-1", "secret-token-1")
        #expect(nested.scrub("x Bearer secret-token-1 y secret-token-1") == "x *** y ***")
    }

    @Test func shortValuesAreNotLearned() {
        let s = SecretScrubber()
        #expect(!s.learn("1234567"))
        #expect(s.isEmpty)
        #expect(s.scrub("id 1234567") == "id 1234567")
        #expect(s.learn("12345678"))
        #expect(!s.learn("12345678"))
    }

    @Test func withNothingKnownOrNothingFoundTheInputComesBackUncopied() {
        let line: [UInt8] = Array(repeating: UInt8(ascii: "x"), count: 4096)
        let base = line.withUnsafeBufferPointer { $0.baseAddress }
        let empty = SecretScrubber()
        #expect(empty.scrub(line).withUnsafeBufferPointer { $0.baseAddress } == base)
        var inPlace = line
        empty.scrub(&inPlace, from: 0)
        #expect(inPlace == line)
        let known = scrubber("not-in-this-line")
        #expect(known.scrub(line).withUnsafeBufferPointer { $0.baseAddress } == base)
    }

    @Test func scrubsInPlaceFromAnOffset() {
        let s = scrubber("secret-0001")
        var buffer = Array("secret-0001 kept\nline secret-0001\n".utf8)
        let start = buffer.firstIndex(of: 0x0A)! + 1
        s.scrub(&buffer, from: start)
        #expect(String(decoding: buffer, as: UTF8.self) == "secret-0001 kept\nline ***\n")
    }

    @Test func learnsTheURLAndJSONFormsOfASecret() {
        let s = scrubber("a+b/c=d\"e")
        #expect(s.scrub("?access_token=a%2Bb%2Fc%3Dd%22e&x=1") == "?access_token=***&x=1")
        #expect(s.scrub(#"{"t":"a+b/c=d\"e"}"#) == #"{"t":"***"}"#)
        #expect(s.scrub(#"{"t":"a+b\/c=d\"e"}"#) == #"{"t":"***"}"#)
    }

    @Test func learnsTheCredentialsOfARequest() {
        let s = SecretScrubber()
        let basic = "Basic " + Base64.encode(Array("alice:pass-word-9".utf8))
        let head = HTTPRequestHead(
            method: "GET", target: "/events?types=*&access_token=q%2Btoken-77&api_key=short",
            headers: ["Authorization": basic, "Cookie": "a=cookie-value-1; b=\"cookie-value-2\"", "X-Api-Token": "x-token-value"])
        s.learn(request: head)
        s.learn(responseHeaders: ["Set-Cookie": "sid=set-cookie-value; Path=/; HttpOnly"])
        let seen = [
            basic, String(basic.dropFirst(6)), "alice:pass-word-9", "pass-word-9", "q%2Btoken-77", "q+token-77",
            "cookie-value-1", "cookie-value-2", "x-token-value", "set-cookie-value",
        ]
        for secret in seen { #expect(s.scrub("<\(secret)>") == "<***>", "\(secret)") }
        #expect(s.scrub("api_key=short") == "api_key=short")
    }

    @Test func learnsABearerTokenAndTheWholeValue() {
        let s = SecretScrubber()
        s.learn(authorization: "Bearer abc.def.ghi-123")
        #expect(s.scrub("Authorization: Bearer abc.def.ghi-123") == "Authorization: ***")
        #expect(s.scrub("echo abc.def.ghi-123") == "echo ***")
    }

    @Test func masksQueryTokensForMatching() {
        #expect(SecretScrubber.maskingQueryTokens("/e?types=*&access_token=abc&Token=x") == "/e?types=*&access_token=***&Token=***")
        #expect(SecretScrubber.maskingQueryTokens("/e?types=*") == "/e?types=*")
        #expect(SecretScrubber.maskingQueryTokens("/jmap/api") == "/jmap/api")
    }

    @Test func manySecretsAreAllFound() {
        let s = SecretScrubber()
        for i in 0..<5000 { s.learn("many-secrets-\(i)") }
        #expect(s.scrub("a many-secrets-0 b many-secrets-4999 c many-secrets-5000") == "a *** b *** c ***0")
        #expect(s.scrub("many-secrets-x") == "many-secrets-x")
    }

    /// Against a plain reference: mark every byte any secret covers, then mask each marked run.
    @Test func agreesWithAPlainReference() {
        var rng = FuzzRandom(seed: 17)
        let alphabet = Array("ab-".utf8)
        for _ in 0..<300 {
            let secrets = (0..<Int.random(in: 1...4, using: &rng)).map { _ in
                String(decoding: (0..<Int.random(in: 8...11, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }, as: UTF8.self)
            }
            // Whole secrets, their halves and stray bytes, so that occurrences touch and overlap.
            var text: [UInt8] = []
            for _ in 0..<Int.random(in: 0...8, using: &rng) {
                let secret = Array(secrets.randomElement(using: &rng)!.utf8)
                let cut = Int.random(in: 0...secret.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: text += secret
                case 1: text += secret[..<cut]
                case 2: text += secret[cut...]
                default: text.append(alphabet.randomElement(using: &rng)!)
                }
            }
            let s = SecretScrubber()
            for x in secrets { s.learn(x) }
            #expect(s.scrub(text) == Self.reference(text, secrets.map { Array($0.utf8) }), "\(secrets) \(text)")
        }
    }

    private static func reference(_ text: [UInt8], _ secrets: [[UInt8]]) -> [UInt8] {
        var covered = [Bool](repeating: false, count: text.count + 1)
        for p in secrets where p.count <= text.count {
            for i in 0...(text.count - p.count) where Array(text[i..<(i + p.count)]) == p {
                for k in i..<(i + p.count) { covered[k] = true }
            }
        }
        var out: [UInt8] = []
        var i = 0
        while i < text.count {
            if covered[i] {
                out += Array("***".utf8)
                while i < text.count, covered[i] { i += 1 }
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }
}
