import Foundation
import Glibc
import JMAPRelay
import RelayTestSupport
import Testing

/// The relay in front of a real TLS server (`openssl s_server`) with a certificate made for
/// the test: verification on by default, `--upstream-ca` to trust it, `--insecure` to skip.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
    && FileManager.default.isExecutableFile(atPath: "/usr/bin/stdbuf"))) struct UpstreamTLSTests {
    final class TLSServer {
        let process = Process()
        let port: Int
        let dir: URL
        var caFile: String { dir.appendingPathComponent("cert.pem").path }

        init() throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("relay-tls-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let gen = Process()
            gen.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            gen.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                             "-keyout", dir.appendingPathComponent("key.pem").path, "-out", dir.appendingPathComponent("cert.pem").path]
            gen.standardError = FileHandle.nullDevice
            try gen.run()
            gen.waitUntilExit()
            // A free port: bind port 0, read it, let it go for s_server.
            let probe = try Socket.listen(host: "127.0.0.1", port: 0)
            port = probe.localPort
            probe.close()
            // stdbuf: s_server's "ACCEPT" line must not wait in a pipe buffer.
            process.executableURL = URL(fileURLWithPath: "/usr/bin/stdbuf")
            process.arguments = ["-oL", "/usr/bin/openssl", "s_server", "-accept", "127.0.0.1:\(port)", "-cert", caFile, "-key",
                                 dir.appendingPathComponent("key.pem").path, "-www"]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            // s_server prints ACCEPT once it listens.
            var seen = ""
            while !seen.contains("ACCEPT") {
                let d = out.fileHandleForReading.availableData
                if d.isEmpty { throw CocoaError(.fileReadUnknown) }
                seen += String(decoding: d, as: UTF8.self)
            }
        }

        deinit {
            // s_server ignores SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: dir)
        }
    }

    @Test func verifiesTrustsAndCanBeToldNotTo() throws {
        let server = try TLSServer()
        let upstream = "https://127.0.0.1:\(server.port)"

        let strict = try RelayHarness(upstream: upstream)
        let refused = try strict.client().request("GET", "/")
        strict.stop()
        #expect(refused.head.status == 502)
        #expect(refused.json?["type"] == "urn:jmap-relay:error:upstream-tls")

        let trusting = try RelayHarness(upstream: upstream) { $0.tls = TLSClientConfiguration(caFile: server.caFile, insecure: false) }
        let ok = try trusting.client().request("GET", "/")
        trusting.stop()
        #expect(ok.head.status == 200)
        #expect(ok.text.contains("s_server"))

        let insecure = try RelayHarness(upstream: upstream) { $0.tls = TLSClientConfiguration(caFile: nil, insecure: true) }
        let alsoOK = try insecure.client().request("GET", "/")
        insecure.stop()
        #expect(alsoOK.head.status == 200)
        withExtendedLifetime(server) {}
    }
}
