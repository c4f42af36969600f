import Foundation
import JMAPRelay
import Testing

/// The local CA: made once and reused, a server certificate renewed when its names change,
/// and one clear line for a directory or key it cannot use.
@Suite struct LocalCATests {
    final class TemporaryDirectory {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("relay-ca-\(UUID().uuidString)").path
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func mode(_ name: String) throws -> Int {
            try #require(FileManager.default.attributesOfItem(atPath: path + "/" + name)[.posixPermissions] as? NSNumber).intValue & 0o777
        }
    }

    static let names = ListenerTLSConfiguration().serverNames

    @Test func madeOnFirstUseThenReused() throws {
        let dir = TemporaryDirectory()
        let first = try LocalCA(directory: dir.path + "/tls")
        #expect(first.certificatePath == dir.path + "/tls/ca.pem")
        #expect(try dir.mode("tls") == 0o700)
        #expect(try dir.mode("tls/ca-key.pem") == 0o600)
        let again = try LocalCA(directory: dir.path + "/tls")
        #expect(try again.certificate.pem() == first.certificate.pem())

        let server = try first.serverIdentity(names: Self.names)
        #expect(try dir.mode("tls/server-key.pem") == 0o600)
        #expect(server.certificate.isSigned(by: first.certificate))
        for name in ["localhost", "127.0.0.1", "::1"] { #expect(server.certificate.covers(name)) }
        // Reused while its names stay and it has time left.
        #expect(try again.serverIdentity(names: Self.names).certificate.pem() == server.certificate.pem())
    }

    @Test func serverCertificateIsMadeAgainForNewNamesAndBeforeItExpires() throws {
        let dir = TemporaryDirectory()
        let ca = try LocalCA(directory: dir.path)
        let first = try ca.serverIdentity(names: Self.names)
        let named = try ca.serverIdentity(names: Self.names + ["relay.test"])
        #expect(named.certificate.covers("relay.test"))
        #expect(!first.certificate.covers("relay.test"))
        let soon = Date().addingTimeInterval(400 * 86_400)
        let renewed = try ca.serverIdentity(names: Self.names + ["relay.test"], now: soon)
        #expect(try renewed.certificate.pem() != named.certificate.pem())
    }

    @Test func keyOpenToOthersIsRefused() throws {
        let dir = TemporaryDirectory()
        _ = try LocalCA(directory: dir.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir.path + "/ca-key.pem")
        #expect(throws: LocalCAError("\(dir.path)/ca-key.pem is open to group or others (mode 644); run chmod 600 on it")) {
            try LocalCA(directory: dir.path)
        }
    }

    @Test func corruptFilesAreOneClearLine() throws {
        let dir = TemporaryDirectory()
        _ = try LocalCA(directory: dir.path)
        try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: dir.path + "/ca.pem"))
        #expect(throws: LocalCAError("\(dir.path)/ca.pem is not a PEM certificate: no start line")) {
            try LocalCA(directory: dir.path)
        }
        try FileManager.default.removeItem(atPath: dir.path + "/ca.pem")
        #expect(throws: LocalCAError("\(dir.path)/ca-key.pem has no certificate beside it (ca.pem); remove it to make a new CA")) {
            try LocalCA(directory: dir.path)
        }
        // Another CA's certificate with this key.
        let other = TemporaryDirectory()
        _ = try LocalCA(directory: other.path)
        try FileManager.default.copyItem(atPath: other.path + "/ca.pem", toPath: dir.path + "/ca.pem")
        #expect(throws: LocalCAError("\(dir.path)/ca-key.pem is not the key of \(dir.path)/ca.pem; remove both to make a new CA")) {
            try LocalCA(directory: dir.path)
        }
    }

    @Test func directoryThatCannotBeMadeOrIsAFile() throws {
        let dir = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.path, withIntermediateDirectories: true)
        let file = dir.path + "/file"
        try Data().write(to: URL(fileURLWithPath: file))
        #expect(throws: LocalCAError("the TLS directory \(file) is not a directory")) { try LocalCA(directory: file) }
        do {
            _ = try LocalCA(directory: file + "/tls")
            Issue.record("a directory under a file was made")
        } catch {
            #expect(error.message.hasPrefix("cannot create the TLS directory \(file)/tls: "))
        }
    }

    @Test func defaultDirectoryFollowsXDG() {
        #expect(ListenerTLSConfiguration.defaultDirectory(environment: ["XDG_DATA_HOME": "/d", "HOME": "/h"]) == "/d/jmap-relay/tls")
        #expect(ListenerTLSConfiguration.defaultDirectory(environment: ["HOME": "/h"]) == "/h/.local/share/jmap-relay/tls")
        #expect(ListenerTLSConfiguration(directory: "/x", extraNames: ["Relay.Test", "localhost"]).serverNames
            == ["localhost", "127.0.0.1", "::1", "relay.test"])
    }
}
