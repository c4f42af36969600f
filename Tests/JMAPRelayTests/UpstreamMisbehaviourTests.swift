import Dispatch
import JMAPRelay
import RelayTestSupport
import Testing

/// An upstream that resets mid-body, lies about its length, never answers, speaks no HTTP or
/// sends a huge head: the client gets a 502/504 problem (or a cut stream once the status is
/// out), the relay keeps serving, and a loop of all of them leaks no descriptor.
@Suite struct UpstreamMisbehaviourTests {
    /// One fake upstream misbehaving by path.
    static func misbehaving() throws -> FakeUpstream {
        try FakeUpstream { head, _ in
            switch head.path {
            case "/reset-mid-body":
                return .rawThenReset(Array("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial".utf8))
            case "/reset-before-head": return .rawThenReset(Array("HTTP/1.1 20".utf8))
            case "/short-body": return .raw(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort".utf8))
            case "/hang": return .hang
            case "/garbage": return .raw(Array("\u{16}\u{03}\u{01}\u{02}\u{00}binary nonsense\r\n\r\n".utf8))
            case "/huge-header":
                return .raw(Array(("HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "b", count: 80_000) + "\r\n\r\n").utf8))
            case "/many-headers":
                return .raw(Array(("HTTP/1.1 200 OK\r\n" + (0..<200).map { "X-\($0): v\r\n" }.joined() + "\r\n").utf8))
            default:
                // Not kept alive, so that the relay pools nothing and the fake can go idle.
                return .respond(status: 200, headers: ["Content-Type": "text/plain", "Connection": "close"], body: Array("fine".utf8))
            }
        }
    }

    /// What a client saw for one request.
    enum Seen: Equatable {
        case status(Int, cause: String?)
        case cut
    }

    static func fetch(_ h: RelayHarness, _ path: String) throws -> Seen {
        let c = try h.client()
        defer { c.close() }
        do {
            let r = try c.request("GET", path, headers: ["Host": "localhost", "Connection": "close"])
            if r.head.status >= 500 { #expect(r.head.headers["content-type"] == "application/problem+json") }
            // Wait for the relay to close its side, so the loop below counts settled sockets.
            _ = c.waitForClose(timeout: .seconds(5))
            return .status(r.head.status, cause: r.json?["cause"]?.stringValue)
        } catch {
            #expect(c.waitForClose(timeout: .seconds(5)), "\(path): a cut stream must end with a close")
            return .cut
        }
    }

    /// A cut stream where the status went out already (threads stream the body); a 502 where
    /// the event loop read the small answer whole before answering.
    static let expected: [(String, [Seen])] = [
        ("/reset-mid-body", [.cut, .status(502, cause: "reset")]),
        ("/reset-before-head", [.status(502, cause: "reset"), .status(502, cause: "protocolError")]),
        ("/short-body", [.cut, .status(502, cause: "reset")]),
        ("/garbage", [.status(502, cause: "protocolError")]),
        ("/huge-header", [.status(502, cause: "protocolError")]),
        ("/many-headers", [.status(502, cause: "protocolError")]),
    ]

    @Test(arguments: expected)
    func clientGetsAProblemOrACutStreamAndTheRelayKeepsServing(_ c: (String, [Seen])) throws {
        let up = try Self.misbehaving()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL)
        defer { h.stop() }
        let seen = try Self.fetch(h, c.0)
        #expect(c.1.contains(seen), "\(c.0): \(seen)")
        #expect(try Self.fetch(h, "/fine") == .status(200, cause: nil))
    }

    @Test func silentUpstreamIs504NamingTheTimeout() throws {
        let up = try Self.misbehaving()
        defer { up.stop() }
        let h = try RelayHarness(upstream: up.baseURL) { $0.upstreamTimeout = .milliseconds(200) }
        defer { h.stop() }
        let r = try h.client().request("GET", "/hang")
        #expect(r.head.status == 504)
        #expect(r.json?["title"] == "Upstream timed out")
        let detail = r.json?["detail"]?.stringValue ?? ""
        #expect(detail.contains("0.2 seconds") && detail.contains("upstream timeout"), "\(detail)")
    }

    @Test func aLoopOfFailuresLeaksNoDescriptor() throws {
        let up = try Self.misbehaving()
        defer { up.stop() }
        // Long enough that a loaded machine does not turn a slow misbehaviour into a timeout.
        let h = try RelayHarness(upstream: up.baseURL, trace: .off) { $0.upstreamTimeout = .milliseconds(400) }
        defer { h.stop() }
        let paths = ["/reset-mid-body", "/short-body", "/garbage", "/huge-header", "/reset-before-head", "/many-headers", "/fine"]
        func sockets() -> Int { OpenDescriptors.tcpSockets(port: h.port) + OpenDescriptors.tcpSockets(port: up.port) }
        // Warm up once per path (pool, lazily made state), then count.
        for p in paths { _ = try Self.fetch(h, p) }
        #expect(up.waitUntilIdle())
        let socketsBefore = sockets()
        let allBefore = OpenDescriptors.count()
        let unexpected = Locked<[String]>([])
        // 200 exchanges on 4 clients at once; every twentieth one waits out the upstream timeout.
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for i in 0..<50 {
                let path = i % 20 == 19 ? "/hang" : paths[(i + worker) % paths.count]
                guard let seen = try? Self.fetch(h, path) else {
                    unexpected.withLock { $0.append("\(path): could not connect") }
                    continue
                }
                let ok: Bool
                switch (path, seen) {
                case ("/fine", .status(200, _)): ok = true
                case ("/fine", _): ok = false
                // A problem or a cut stream; a slow misbehaviour may also run into the timeout.
                case (_, .status(502, _)), (_, .status(504, _)), (_, .cut): ok = true
                default: ok = false
                }
                if !ok { unexpected.withLock { $0.append("\(path): \(seen)") } }
            }
        }
        #expect(unexpected.withLock { $0 }.isEmpty, "\(unexpected.withLock { $0 })")
        #expect(try Self.fetch(h, "/fine") == .status(200, cause: nil))
        #expect(up.waitUntilIdle())
        let socketsAfter = sockets()
        let allAfter = OpenDescriptors.count()
        // Nothing is pooled; a leak would be dozens (slack for a socket still closing).
        #expect(socketsAfter <= socketsBefore + 2, "sockets for the relay and upstream: \(socketsBefore) -> \(socketsAfter)")
        // The whole process, with other tests opening their own beside this one: a descriptor
        // per exchange would add 200, so the slack is wide and still catches that.
        #expect(allAfter <= allBefore + 150, "open descriptors: \(allBefore) -> \(allAfter)")
    }
}
