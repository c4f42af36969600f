import Foundation
import JMAPRelay
import RelayTestSupport
import Testing

/// The relay's threads do not grow with its traffic: with 40 event streams open and 40 calls
/// held by a delay fault at once, the process keeps at most 12 threads (the loops, the
/// acceptor, the trace writer, the signal watcher and the runtime's own), every stream gets
/// its event and every call its answer.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/task"))) struct LoadThreadsTests {
    static let streams = 40
    static let calls = 40

    @Test func fortyStreamsAndFortyDelayedCallsNeedNoMoreThreads() throws {
        let go = DispatchSemaphore(value: 0)
        let up = try FakeUpstream { head, _ in
            if head.target.hasPrefix("/events") {
                let step = Locked(0)
                return .stream(status: 200, headers: ["Content-Type": "text/event-stream"]) {
                    let n = step.withLock { s -> Int in
                        s += 1
                        return s
                    }
                    switch n {
                    case 1: return Array(": open\n\n".utf8)
                    case 2:
                        // Each stream's event exists only once the test has counted the threads.
                        _ = go.wait(timeout: .now() + 20)
                        return ServerSentEvent(event: "state", data: #"{"@type":"StateChange","changed":{}}"#).serialized()
                    default: return nil
                    }
                }
            }
            return .respond(status: 200, headers: ["Content-Type": "application/json"], body: Array(head.target.utf8))
        }
        defer { up.stop() }
        let relay = try RunningRelay([
            "serve", "--upstream", up.baseURL, "--listen", "127.0.0.1:0", "--trace", "off",
            "--fault", "path=/slow/* action=delay:1500",
        ])
        defer { relay.stop() }

        let streams = try (0..<Self.streams).map { i -> RawHTTPClient in
            let c = try RawHTTPClient(port: relay.port, readTimeout: .seconds(30))
            try c.send("GET /events/\(i) HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
            #expect(try c.readHead().status == 200)
            return c
        }
        let port = relay.port
        let answers = Locked<[Int: String]>([:])
        let group = DispatchGroup()
        for i in 0..<Self.calls {
            group.enter()
            Thread {
                defer { group.leave() }
                guard let c = try? RawHTTPClient(port: port, readTimeout: .seconds(30)),
                    let r = try? c.request("GET", "/slow/\(i)")
                else { return }
                answers.withLock { $0[i] = r.text }
            }.start()
        }
        // Every call is held by the delay now (it lasts 1.5 s): count while they are in flight.
        var most = 0
        let until = Date().addingTimeInterval(1.0)
        while Date() < until {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(relay.process.processIdentifier)/task"))?.count ?? 0
            most = max(most, tasks)
        }
        print("relay threads with \(Self.streams) streams and \(Self.calls) delayed calls in flight: \(most)")
        #expect(most > 0)
        #expect(most <= 12, "the relay ran \(most) threads")
        for _ in 0..<Self.streams { go.signal() }
        #expect(group.wait(timeout: .now() + 30) == .success)
        #expect(answers.withLock { $0 } == Dictionary(uniqueKeysWithValues: (0..<Self.calls).map { ($0, "/slow/\($0)") }))
        for c in streams {
            var parser = ServerSentEventParser()
            var events: [ServerSentEvent] = []
            while events.isEmpty, let piece = try c.readBodyPiece() { events += parser.feed(piece) }
            #expect(events.first?.type == "state")
        }
    }
}
