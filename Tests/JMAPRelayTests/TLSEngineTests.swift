import Foundation
import JMAPRelay
import Testing

/// A client engine and a server engine talking entirely in memory: handshake, data both ways,
/// close_notify, session resumption, and verification failures as clear errors.
@Suite struct TLSEngineTests {
    /// A CA, a server certificate it signed, and the CA as a file for the client to trust.
    final class TestPKI {
        let caKey: PrivateKey
        let ca: Certificate
        let caFile: String

        init() throws {
            caKey = try PrivateKey.generate()
            ca = try Certificate.authority(commonName: "test CA", key: caKey, days: 1)
            caFile = FileManager.default.temporaryDirectory.appendingPathComponent("tls-engine-ca-\(UUID().uuidString).pem").path
            try Data(ca.pem()).write(to: URL(fileURLWithPath: caFile))
        }

        deinit { try? FileManager.default.removeItem(atPath: caFile) }

        func server(names: [String] = ["localhost", "127.0.0.1", "::1"]) throws -> TLSServerContext {
            let key = try PrivateKey.generate()
            let cert = try Certificate.server(names: names, key: key, issuer: ca, issuerKey: caKey, days: 1)
            return try TLSServerContext(certificate: cert, key: key, chain: [ca])
        }

        func client(trusting: Bool = true, insecure: Bool = false) throws -> TLSContext {
            try TLSContext(configuration: TLSClientConfiguration(caFile: trusting ? caFile : nil, insecure: insecure))
        }
    }

    /// Moves ciphertext both ways until neither side has any left; returns what each side read.
    @discardableResult
    static func pump(_ client: TLSEngine, _ server: TLSEngine) -> (client: [UInt8], server: [UInt8]) {
        var toServer: [UInt8] = [], toClient: [UInt8] = []
        var readByClient: [UInt8] = [], readByServer: [UInt8] = []
        for _ in 0..<20 {
            client.takeCiphertext(into: &toServer)
            server.receive(toServer)
            let movedToServer = !toServer.isEmpty
            toServer.removeAll(keepingCapacity: true)
            server.readPlaintext(into: &readByServer)
            server.takeCiphertext(into: &toClient)
            client.receive(toClient)
            let movedToClient = !toClient.isEmpty
            toClient.removeAll(keepingCapacity: true)
            client.readPlaintext(into: &readByClient)
            if !movedToServer, !movedToClient, !client.hasCiphertext, !server.hasCiphertext { break }
        }
        return (readByClient, readByServer)
    }

    /// The error of a failed status; nil otherwise.
    static func failure(_ status: TLSEngine.Status) -> TLSEngineError? {
        if case .failed(let error) = status { return error }
        return nil
    }

    @Test func handshakeThenDataBothWaysThenCloseNotify() throws {
        let pki = try TestPKI()
        let client = try TLSEngine(client: pki.client(), serverName: "localhost", port: 443)
        let server = try TLSEngine(server: pki.server())
        #expect(client.status == .handshaking)
        // Sent before the handshake is done: held, then delivered.
        client.send(Array("GET / HTTP/1.1\r\n\r\n".utf8))
        let first = Self.pump(client, server)
        #expect(client.status == .established)
        #expect(server.status == .established)
        #expect(String(decoding: first.server, as: UTF8.self) == "GET / HTTP/1.1\r\n\r\n")

        // More than one record each way.
        let big = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        server.send(big)
        client.send(Array("thanks".utf8))
        let second = Self.pump(client, server)
        #expect(second.client == big)
        #expect(String(decoding: second.server, as: UTF8.self) == "thanks")

        client.close()
        Self.pump(client, server)
        #expect(server.status == .closed)
    }

    @Test(arguments: ["127.0.0.1", "::1"])
    func ipAddressesVerify(_ address: String) throws {
        let pki = try TestPKI()
        let client = try TLSEngine(client: pki.client(), serverName: address, port: 443)
        let server = try TLSEngine(server: pki.server())
        Self.pump(client, server)
        #expect(client.status == .established)
    }

    @Test func wrongHostNameIsACertificateError() throws {
        let pki = try TestPKI()
        let client = try TLSEngine(client: pki.client(), serverName: "example.org", port: 443)
        let server = try TLSEngine(server: pki.server())
        Self.pump(client, server)
        #expect(client.status == .failed(TLSEngineError(.certificate, detail: "hostname mismatch")))
        #expect(try #require(Self.failure(client.status)).description == "certificate verify failed: hostname mismatch")
        // The client's alert reaches the server, which fails too, with a reason of its own.
        #expect(server.status == .failed(TLSEngineError(.handshake, detail: "sslv3 alert bad certificate")))
    }

    @Test func untrustedCAIsACertificateError() throws {
        let pki = try TestPKI()
        let client = try TLSEngine(client: pki.client(trusting: false), serverName: "localhost", port: 443)
        let server = try TLSEngine(server: pki.server())
        Self.pump(client, server)
        #expect(client.status == .failed(TLSEngineError(.certificate, detail: "self-signed certificate in certificate chain")))
    }

    @Test func insecureSkipsVerification() throws {
        let pki = try TestPKI()
        let client = try TLSEngine(client: pki.client(trusting: false, insecure: true), serverName: "example.org", port: 443)
        let server = try TLSEngine(server: pki.server())
        Self.pump(client, server)
        #expect(client.status == .established)
    }

    @Test func secondConnectionToTheSameOriginResumes() throws {
        let pki = try TestPKI()
        let context = try pki.client()
        let serverContext = try pki.server()
        let first = try TLSEngine(client: context, serverName: "localhost", port: 443)
        let firstServer = try TLSEngine(server: serverContext)
        first.send(Array("a".utf8))
        Self.pump(first, firstServer)
        #expect(!first.resumedSession)

        let second = try TLSEngine(client: context, serverName: "localhost", port: 443)
        let secondServer = try TLSEngine(server: serverContext)
        Self.pump(second, secondServer)
        #expect(second.status == .established)
        #expect(second.resumedSession)

        // Another port is another origin.
        let other = try TLSEngine(client: context, serverName: "localhost", port: 8443)
        let otherServer = try TLSEngine(server: serverContext)
        Self.pump(other, otherServer)
        #expect(!other.resumedSession)
    }

    @Test func plainHTTPToTheServerIsAHandshakeError() throws {
        let pki = try TestPKI()
        let server = try TLSEngine(server: pki.server())
        server.receive(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        var plaintext: [UInt8] = []
        let status = server.readPlaintext(into: &plaintext)
        #expect(try #require(Self.failure(status)).description == "TLS handshake failed: http request")
        #expect(plaintext.isEmpty)
    }

    @Test func leafMadeHereCoversItsNamesOnly() throws {
        let pki = try TestPKI()
        let key = try PrivateKey.generate()
        let leaf = try Certificate.server(names: ["localhost", "relay.test", "127.0.0.1", "::1"], key: key, issuer: pki.ca,
                                          issuerKey: pki.caKey, days: 30)
        #expect(leaf.covers("relay.test") && leaf.covers("::1") && leaf.covers("127.0.0.1"))
        #expect(!leaf.covers("example.org") && !leaf.covers("10.0.0.1"))
        #expect(leaf.isSigned(by: pki.ca))
        #expect(leaf.matches(key))
        #expect(abs(leaf.notAfter.timeIntervalSinceNow - 30 * 86_400) < 120)
        let again = try Certificate(pem: leaf.pem())
        #expect(again.covers("relay.test"))
        #expect(try PrivateKey(pem: key.pem()).pem() == key.pem())
    }
}
