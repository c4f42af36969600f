import RelayCore
import Testing

/// The client connection's rules, without a socket: when an idle or slow client is cut (and
/// told 408), and when a connection serves another request.
@Suite struct ConnectionRulesTests {
    static let ms: UInt64 = 1_000_000

    @Test func anIdleConnectionClosesAtTheIdleTimeout() {
        let t0: UInt64 = 5_000 * Self.ms
        let d = ReadDeadline(idle: .milliseconds(300), head: .milliseconds(100), now: t0)
        #expect(d.check(now: t0 + 300 * Self.ms) == .wait)
        #expect(d.check(now: t0 + 300 * Self.ms + 1) == .close)
    }

    @Test func aStalledHeadIsAnswered408FromItsFirstByte() {
        let t0: UInt64 = 5_000 * Self.ms
        var d = ReadDeadline(idle: .seconds(75), head: .milliseconds(200), now: t0)
        d.headBytesArrived(now: t0 + 10 * Self.ms)
        // Later bytes of the same head do not move the deadline (a byte a second is cut off).
        d.headBytesArrived(now: t0 + 150 * Self.ms)
        #expect(d.check(now: t0 + 210 * Self.ms) == .wait)
        #expect(d.check(now: t0 + 211 * Self.ms) == .requestTimeout)
        // Once a request was read, the next wait is idle again.
        d.awaitRequest(now: t0 + 300 * Self.ms)
        #expect(d.check(now: t0 + 600 * Self.ms) == .wait)
        #expect(d.check(now: t0 + 300 * Self.ms + 75_000 * Self.ms + 1) == .close)
    }

    static func request(_ version: HTTPVersion = .http11, method: String = "GET", _ headers: HTTPHeaders = [:]) -> HTTPRequestHead {
        var h = HTTPRequestHead(method: method, target: "/x", headers: headers)
        h.version = version
        return h
    }

    static func frame(_ head: HTTPResponseHead, length: Int?, truncated: Bool = false, request: HTTPRequestHead?,
                      keepAlive: Bool = true) -> (ResponseFraming.Framing, String) {
        var out: [UInt8] = []
        let f = ResponseFraming.frame(head, knownLength: length, truncated: truncated, request: request, keepAlive: keepAlive, into: &out)
        return (f, String(decoding: out, as: UTF8.self))
    }

    @Test func aKnownLengthKeepsTheConnection() {
        let (f, text) = Self.frame(HTTPResponseHead(status: 200, headers: ["Content-Length": "99"]), length: 3, request: Self.request())
        #expect(!f.chunked && f.keepAlive && !f.bodyless)
        #expect(text.contains("Content-Length: 3\r\n") && !text.contains("99") && !text.contains("Connection"))
    }

    @Test func anUnknownLengthIsChunkedForHTTP11AndClosedForHTTP10() {
        let (f11, text11) = Self.frame(HTTPResponseHead(status: 200), length: nil, request: Self.request())
        #expect(f11.chunked && f11.keepAlive)
        #expect(text11.contains("Transfer-Encoding: chunked\r\n"))
        let (f10, text10) = Self.frame(HTTPResponseHead(status: 200), length: nil, request: Self.request(.http10))
        #expect(!f10.chunked && !f10.keepAlive)
        #expect(text10.contains("Connection: close\r\n"))
    }

    @Test func aTruncatedBodyOrAClientThatAskedClosesAfterTheResponse() {
        #expect(!Self.frame(HTTPResponseHead(status: 200), length: 10, truncated: true, request: Self.request()).0.keepAlive)
        let asked = Self.request(.http11, ["Connection": "close"])
        let (f, text) = Self.frame(HTTPResponseHead(status: 200), length: 0, request: asked,
                                   keepAlive: HeaderPolicy.clientWantsKeepAlive(asked))
        #expect(!f.keepAlive && text.contains("Connection: close\r\n"))
        #expect(!HeaderPolicy.clientWantsKeepAlive(Self.request(.http10)))
        #expect(HeaderPolicy.clientWantsKeepAlive(Self.request(.http10, ["Connection": "keep-alive"])))
    }

    @Test func headAndNotModifiedAreBodylessAndAnUpgradeKeepsItsConnectionField() {
        let (head, text) = Self.frame(HTTPResponseHead(status: 200, headers: ["Content-Length": "42"]), length: 0,
                                      request: Self.request(method: "HEAD"))
        #expect(head.bodyless && head.keepAlive && text.contains("Content-Length: 42\r\n"))
        #expect(Self.frame(HTTPResponseHead(status: 304), length: nil, request: Self.request()).0.bodyless)
        let (up, upText) = Self.frame(HTTPResponseHead(status: 101, headers: ["Connection": "Upgrade", "Upgrade": "websocket"]),
                                      length: nil, request: Self.request())
        #expect(!up.keepAlive && upText.contains("Connection: Upgrade\r\n") && !upText.contains("chunked"))
    }

    @Test func anUpstreamConnectionIsReusedOnlyForHTTP11WithoutClose() {
        #expect(HeaderPolicy.serverKeepsAlive(HTTPResponseHead(status: 200)))
        #expect(!HeaderPolicy.serverKeepsAlive(HTTPResponseHead(status: 200, headers: ["Connection": "close"])))
        var old = HTTPResponseHead(status: 200)
        old.version = .http10
        #expect(!HeaderPolicy.serverKeepsAlive(old))
    }

    @Test func aRequestIsFramedByOneRule() {
        var out: [UInt8] = []
        let post = HTTPRequestHead(method: "POST", target: "/api", headers: ["Content-Length": "7", "Host": "h"])
        #expect(!HTTPSerializer.writeRequest(post, bodyLength: 0, into: &out))
        #expect(String(decoding: out, as: UTF8.self) == "POST /api HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n")
        out = []
        #expect(!HTTPSerializer.writeRequest(HTTPRequestHead(method: "GET", target: "/", headers: ["Host": "h"]), bodyLength: 0, into: &out))
        #expect(String(decoding: out, as: UTF8.self) == "GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        out = []
        #expect(HTTPSerializer.writeRequest(HTTPRequestHead(method: "PUT", target: "/u", headers: ["Host": "h"]), bodyLength: nil, into: &out))
        #expect(String(decoding: out, as: UTF8.self).hasSuffix("Transfer-Encoding: chunked\r\n\r\n"))
    }

    @Test func theControlPrefixIsExact() {
        #expect(RelayPaths.isControl("/_relay") && RelayPaths.isControl("/_relay/") && RelayPaths.isControl("/_relay/faults"))
        #expect(!RelayPaths.isControl("/_relayx") && !RelayPaths.isControl("/jmap/_relay/"))
    }
}
