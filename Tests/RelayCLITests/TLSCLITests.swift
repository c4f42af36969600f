import Foundation
import JMAPRelay
import RelayTestSupport
import Testing

/// `jmap-relay ca`, and `--tls` on the command line: the CA's path and how to trust it at
/// start, https on the same port, one clear line for what cannot be used.
@Suite struct TLSCLITests {
    final class TemporaryDirectory {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("relay-cli-tls-\(UUID().uuidString)").path
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    @Test func caPrintsThePathMakingTheCAOnce() throws {
        let dir = TemporaryDirectory()
        let first = try run(["ca", "--tls-dir", dir.path])
        #expect(first.code == 0)
        #expect(first.out == dir.path + "/ca.pem\n")
        let pem = try String(contentsOfFile: dir.path + "/ca.pem", encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(try run(["ca", "--tls-dir", dir.path]).out == first.out)
        #expect(try String(contentsOfFile: dir.path + "/ca.pem", encoding: .utf8) == pem)

        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: dir.path + "/ca-key.pem")
        let open = try run(["ca", "--tls-dir", dir.path])
        #expect(open.code == 1)
        #expect(open.err == "Error: \(dir.path)/ca-key.pem is open to group or others (mode 640); run chmod 600 on it\n")
    }

    @Test(arguments: [["--tls-name", "bad name"], ["--tls-name", "a..b"], ["--tls-name", "x_y"]])
    func badTLSNamesAreUsageErrors(_ extra: [String]) throws {
        let r = try run(["replay", "--listen", "127.0.0.1:0"] + extra, in: repositoryRoot)
        #expect(r.code == 64)
        #expect(r.err.hasPrefix("Error: '--tls-name' takes a host name or an IP address"))
    }

    @Test func unusableTLSDirectoryIsOneLineAndExit1() throws {
        let dir = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.path, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir.path + "/file"))
        let r = try run(["replay", "--listen", "127.0.0.1:0", "--tls-dir", dir.path + "/file"], in: repositoryRoot)
        #expect(r.code == 1)
        #expect(r.err == "jmap-relay: error: the TLS directory \(dir.path)/file is not a directory\n")
    }

    @Test func replayWithTLSPrintsHowToTrustTheCAAndServesHTTPS() throws {
        let dir = TemporaryDirectory()
        let p = Process()
        p.executableURL = binary()
        p.arguments = ["replay", "--listen", "127.0.0.1:0", "--tls", "--tls-dir", dir.path, "--tls-name", "relay.test"]
        p.currentDirectoryURL = repositoryRoot
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        defer {
            p.interrupt()
            p.waitUntilExit()
        }
        var seen = ""
        while !seen.contains("curl --cacert") || !seen.hasSuffix("\n") {
            let d = err.fileHandleForReading.availableData
            if d.isEmpty { break }
            seen += String(decoding: d, as: UTF8.self)
        }
        let ca = dir.path + "/ca.pem"
        let port = try #require(seen.split(separator: "https://127.0.0.1:").dropFirst().first.flatMap { Int($0.prefix { $0.isNumber }) })
        let secure = "https://127.0.0.1:\(port)/.well-known/jmap"
        for line in ["or, over https on the same port, at \(secure)", "the relay's CA is \(ca); to trust it:",
                     "  SSL_CERT_FILE=\(ca)", "  REQUESTS_CA_BUNDLE=\(ca)", "  NODE_EXTRA_CA_CERTS=\(ca)", "  curl --cacert \(ca) \(secure)"] {
            #expect(seen.contains(line + "\n"), "\(line)")
        }
        let client = try RawHTTPClient(port: port, trusting: ca)
        let discovery = try client.request("GET", "/.well-known/jmap")
        let location = try #require(discovery.head.headers["location"])
        #expect(location.hasPrefix("https://127.0.0.1:\(port)/"))
        let session = try client.request("GET", String(location.dropFirst("https://127.0.0.1:\(port)".count)))
        #expect(session.head.status == 200)
        #expect(session.json?["apiUrl"]?.stringValue?.hasPrefix("https://127.0.0.1:\(port)/") == true)
        // The extra name is in the certificate.
        _ = try RawHTTPClient(port: port, trusting: ca, serverName: "relay.test")
    }
}
