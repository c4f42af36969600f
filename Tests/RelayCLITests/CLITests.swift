import Foundation
import JMAPRelay
import RelayTestSupport
import Testing

/// Runs the built `jmap-relay` binary, as a user would.
func binary() -> URL {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let bundleDir = Bundle.main.bundleURL
    let candidates = [bundleDir.appendingPathComponent("debug/jmap-relay"), bundleDir.appendingPathComponent("jmap-relay"),
                      bundleDir.deletingLastPathComponent().appendingPathComponent("jmap-relay"),
                      root.appendingPathComponent(".build/debug/jmap-relay")]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
}

func run(_ args: [String], in directory: URL? = nil) throws -> (code: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = binary()
    p.arguments = args
    if let directory { p.currentDirectoryURL = directory }
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// The repository's root, for shipped files.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The built binary started with `args` (which must listen on port 0), stopped with SIGINT.
final class RunningRelay {
    let process = Process()
    let port: Int

    init(_ args: [String]) throws {
        process.executableURL = binary()
        process.arguments = args
        let err = Pipe()
        process.standardError = err
        try process.run()
        guard let port = announcedPort(err) else {
            process.terminate()
            throw RelayDidNotStart()
        }
        self.port = port
    }

    /// Interrupts the relay and returns its exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { process.interrupt() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { stop() }

    struct RelayDidNotStart: Error {}
}

/// Reads a relay's stderr until the start-up line and returns the port it names.
private func announcedPort(_ err: Pipe) -> Int? {
    var seen = ""
    while !seen.contains("/.well-known/jmap") {
        let d = err.fileHandleForReading.availableData
        if d.isEmpty { break }
        seen += String(decoding: d, as: UTF8.self)
    }
    return seen.split(separator: "http://127.0.0.1:").dropFirst().first.flatMap { Int($0.prefix { $0.isNumber }) }
}

@Suite struct CLITests {
    @Test func helpHasTheArgumentParserLayout() throws {
        let r = try run(["--help"])
        #expect(r.code == 0)
        for section in ["OVERVIEW:", "USAGE: jmap-relay <subcommand>", "OPTIONS:", "SUBCOMMANDS:"] { #expect(r.out.contains(section)) }
        let serve = try run(["serve", "--help"])
        #expect(serve.out.contains("--upstream <url>"))
        #expect(try run(["help", "replay"]).out.contains("--require-all"))
    }

    @Test(arguments: [
        ["serve"], ["serve", "--upstream"], ["serve", "--upstream", "ftp://x"], ["serve", "--upstream", "http://x", "--listen", "nope"],
        ["serve", "--upstream", "http://x", "--bogus"], ["serve", "--upstream", "http://x", "--trace", "loud"], ["frobnicate"],
        ["serve", "--upstream", "http://x", "--record-mode", "sometimes", "--record", "f"], ["serve", "--upstream", "http://x", "--redact", "$.x"],
        ["replay", "a.jsonl", "b.jsonl"],
        ["serve", "--upstream", "http://x", "--fault", "action=explode"], ["replay", "--fault", "call=Email/set nth=1"],
        ["replay", "--fault", "action=status:503 nth=zero"], ["replay", "--faults", "/no/such/faults.json"],
        ["replay", "--seed", "-1"], ["replay", "--limits", "loose"], ["replay", "--on-miss", "shrug"],
        ["replay", "--upstream", "http://x"], ["serve", "--upstream", "http://x", "--push-callback-url", "ftp://x"],
        ["serve", "--upstream", "http://x", "--fault", "endpoint=api action=drop-event"],
        ["serve", "--upstream", "http://x", "--io", "threads"], ["serve", "--upstream", "http://x", "--poll-us", "-5"],
        ["replay", "--poll-us", "soon"], ["serve", "--upstream", "http://x", "--loops", "0"],
        ["serve", "--upstream", "http://x", "--allow-host", "http://jmap.test"], ["replay", "--allow-host", "jmap.test:99999"],
        ["serve", "--upstream", "http://x", "--allow-origin", "*"], ["replay", "--allow-origin", "localhost:3000"],
    ])
    func badInputIsOneLineAndUsageAndExit64(_ args: [String]) throws {
        let r = try run(args)
        #expect(r.code == 64, "\(args)")
        let lines = r.err.split(separator: "\n")
        #expect(lines.first?.hasPrefix("Error: ") == true)
        #expect(lines.count >= 2 && lines[1].hasPrefix("Usage: "))
    }

    @Test func aCorruptRecordingNamesTheLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).jsonl").path
        try "{\"kind\":\"header\",\"v\":1,\"upstream\":\"http://a\"}\n{oops\n{\"kind\":\"exchange\"}\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try run(["replay", path])
        #expect(r.code == 65)
        #expect(r.err.contains("line 2: not JSON"))
    }

    @Test func strictReplayExitsNonZeroAfterAMiss() throws {
        let relay = try RunningRelay([
            "replay", repositoryRoot.appendingPathComponent("recordings/fastmail-demo.jsonl").path, "--listen", "127.0.0.1:0", "--strict",
            "--trace", "off",
        ])
        let c = try RawHTTPClient(port: relay.port)
        let r = try c.request("POST", "/jmap/", body: Array(#"{"using":[],"methodCalls":[["Nothing/recorded",{},"0"]]}"#.utf8))
        #expect(r.head.status == 500)
        #expect(relay.stop() == 1)
    }

    @Test func faultsWorkInReplay() throws {
        let relay = try RunningRelay([
            "replay", repositoryRoot.appendingPathComponent("recordings/fastmail-demo.jsonl").path, "--listen", "127.0.0.1:0",
            "--trace", "off", "--fault", "call=Mailbox/query action=method-error:serverFail",
        ])
        let port = relay.port
        let c = try RawHTTPClient(port: port)
        _ = try c.request("GET", "/jmap")
        let query = #"{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"],"methodCalls":[["Mailbox/query",{"accountId":"test","filter":{"role":"drafts"}},"0"]]}"#
        let r = try c.request("POST", "/jmap/", headers: ["Content-Type": "application/json"], body: Array(query.utf8))
        #expect(r.head.status == 200)
        #expect(r.json?["methodResponses"]?[0]?[0] == "error")
        #expect(r.json?["methodResponses"]?[0]?[1]?["type"] == "serverFail")
    }

    @Test func allowHostAndAllowOriginOpenExactlyWhatTheyNameInReplay() throws {
        let relay = try RunningRelay([
            "replay", repositoryRoot.appendingPathComponent("recordings/fastmail-demo.jsonl").path, "--listen", "127.0.0.1:0",
            "--trace", "off", "--allow-host", "jmap.test", "--allow-origin", "http://localhost:3000",
        ])
        let port = relay.port
        let c = try RawHTTPClient(port: port)
        #expect(try c.request("GET", "/_relay/status", headers: ["Host": "jmap.test:\(port)"]).head.status == 200)
        #expect(try c.request("GET", "/_relay/status", headers: ["Host": "evil.example:\(port)"]).head.status == 421)
        #expect(try c.request("GET", "/_relay/status", headers: ["Origin": "http://localhost:3000"]).head.status == 200)
        #expect(try c.request("GET", "/_relay/status", headers: ["Origin": "http://localhost:3001"]).head.status == 403)
    }

    @Test func replayForwardsMissesWhenAsked() throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let relay = try RunningRelay([
            "replay", repositoryRoot.appendingPathComponent("recordings/fastmail-demo.jsonl").path, "--listen", "127.0.0.1:0",
            "--trace", "off", "--on-miss", "forward", "--upstream", up.baseURL,
        ])
        let port = relay.port
        let c = try RawHTTPClient(port: port)
        _ = try c.request("GET", "/jmap")
        // Recorded: answered from the file. Not recorded: answered by the live upstream.
        let identity = #"{"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:submission"],"methodCalls":[["Identity/get",{"accountId":"test"},"0"]]}"#
        let recorded = try c.request("POST", "/jmap/", headers: ["Content-Type": "application/json"], body: Array(identity.utf8))
        #expect(recorded.json?["methodResponses"]?[0]?[1]?["list"]?[0]?["id"] == "test")
        let novel = #"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Core/echo",{"hello":1},"0"]]}"#
        let forwarded = try c.request("POST", "/jmap/", headers: ["Content-Type": "application/json"], body: Array(novel.utf8))
        #expect(forwarded.head.status == 404)  // the fake upstream has no /jmap/: it was asked
        #expect(up.requests.map { String($0.path) } == ["/jmap/"])
    }

    @Test(arguments: [[], ["--poll-us", "0"], ["--loops", "1"], ["--loops", "3"]])
    func servesWithAnyLoopSettings(_ io: [String]) throws {
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let p = Process()
        p.executableURL = binary()
        p.arguments = ["serve", "--upstream", up.baseURL, "--listen", "127.0.0.1:0", "--trace", "off"] + io
        let err = Pipe()
        p.standardError = err
        try p.run()
        defer {
            p.interrupt()
            p.waitUntilExit()
        }
        let port = try #require(announcedPort(err))
        let c = try RawHTTPClient(port: port)
        // The fake server redirects discovery (as Cyrus does); the relay points it at itself.
        let base = "http://127.0.0.1:\(port)"
        let redirect = try c.request("GET", "/.well-known/jmap")
        let location = try #require(redirect.head.headers["location"])
        #expect(location.hasPrefix(base))
        let session = try c.request("GET", String(location.dropFirst(base.count)))
        #expect(session.head.status == 200)
        #expect(session.json?["apiUrl"]?.stringValue?.hasPrefix("http://127.0.0.1:\(port)/") == true)
    }

    @Test func killDashNineMidRecordingLeavesALoadableFile() throws {
        // A relay records against a fake upstream while a client sends requests; the relay is
        // killed with SIGKILL; the file must still load (at most the exchange in flight lost).
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let upPort = up.port
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("k9-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let relay = Process()
        relay.executableURL = binary()
        relay.arguments = ["serve", "--upstream", "http://127.0.0.1:\(upPort)", "--listen", "127.0.0.1:0", "--record", path, "--trace", "off"]
        let err = Pipe()
        relay.standardError = err
        try relay.run()
        let port = try #require(announcedPort(err))
        let c = try RawHTTPClient(port: port)
        for i in 0..<20 { _ = try c.request("GET", "/jmap/download/u1/B\(i)/f") }
        kill(relay.processIdentifier, SIGKILL)
        relay.waitUntilExit()
        let recording = try RecordingFile.load(path: path)
        #expect(recording.exchanges.count >= 19, "at most the exchange in flight may be missing")
    }
}
