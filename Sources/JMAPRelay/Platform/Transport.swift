import COpenSSL
import RelayCore

/// How a loop connection moves bytes over its socket: as they are (`PlainTransport`) or
/// through TLS (`TLSTransport`). The seam where the loops meet the wire: a connection reads
/// and writes through it and never asks which one it has. Owned by its loop's thread.
protocol Transport: AnyObject {
    /// Reads what is there: nil when nothing is (wait for readable), 0 at end of stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int?
    /// Writes what fits: the count written, 0 when nothing fits now.
    func write(_ bytes: UnsafeRawBufferPointer) throws -> Int
    /// Whether a read shorter than the buffer means the socket is drained (TLS may hold
    /// decrypted bytes back, so it is read until it says it would block).
    var shortReadDrains: Bool { get }
    /// Whether the transport waits for the socket to become writable before it can go on
    /// (a TLS handshake in progress, ciphertext the socket did not take).
    var wantsWritable: Bool { get }
    /// Writes what the transport itself holds back (ciphertext); false while some waits.
    func flushPending() throws -> Bool
    func close()
}

extension Transport {
    func flushPending() throws -> Bool { true }
}

/// Bytes as they are, straight to the socket.
final class PlainTransport: Transport {
    private let socket: Socket

    init(_ socket: Socket) { self.socket = socket }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int? { try socket.readNonBlocking(into: buffer) }
    func write(_ bytes: UnsafeRawBufferPointer) throws -> Int { try socket.writeNonBlocking(bytes) }
    var shortReadDrains: Bool { true }
    var wantsWritable: Bool { false }
    func close() { socket.close() }
}

/// A TLS client over a non-blocking socket: SNI, certificate and host-name verification on
/// unless the context says insecure. The handshake advances inside `read` and `write`
/// whenever the socket is ready; its failure is an `UpstreamError(.tls)`.
final class TLSTransport: Transport {
    private let ssl: OpaquePointer
    private let socket: Socket
    private let origin: String
    private var connected = false
    private var closed = false
    private(set) var wantsWritable = false

    init(socket: Socket, serverName: String, context: TLSContext, originDescription: String) throws {
        guard let ssl = SSL_new(context.ctx) else {
            throw UpstreamError(.tls, origin: originDescription, detail: "SSL_new: \(Self.lastError())")
        }
        self.ssl = ssl
        self.socket = socket
        self.origin = originDescription
        context.prepare(ssl, serverName: serverName)
        SSL_set_fd(ssl, socket.fd)
        // The loop retries a write later from a buffer that may have moved and grown.
        _ = SSL_ctrl(ssl, SSL_CTRL_MODE, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER), nil)
    }

    deinit {
        close()
        SSL_free(ssl)
    }

    var shortReadDrains: Bool { false }

    /// Advances the handshake; true once it is done.
    private func handshake() throws -> Bool {
        if connected { return true }
        ERR_clear_error()
        let rc = SSL_connect(ssl)
        if rc == 1 {
            connected = true
            wantsWritable = false
            return true
        }
        let err = SSL_get_error(ssl, rc)
        if err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE {
            wantsWritable = err == SSL_ERROR_WANT_WRITE
            return false
        }
        let verify = SSL_get_verify_result(ssl)
        var detail = "handshake failed: \(Self.lastError())"
        if verify != X509_V_OK, let s = X509_verify_cert_error_string(verify) {
            detail = "certificate verify failed: \(String(cString: s))"
        }
        throw UpstreamError(.tls, origin: origin, detail: detail)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int? {
        guard try handshake() else { return nil }
        ERR_clear_error()
        let n = SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count))
        if n > 0 { return Int(n) }
        let err = SSL_get_error(ssl, n)
        switch err {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return nil
        case SSL_ERROR_ZERO_RETURN: return 0
        case SSL_ERROR_SYSCALL where ERR_peek_error() == 0:
            // EOF without close_notify: many servers do this; treat as the end of the stream.
            return 0
        default: throw UpstreamError(.reset, origin: origin, detail: "TLS read: \(Self.lastError())")
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        guard try handshake() else { return 0 }
        guard !bytes.isEmpty else { return 0 }
        ERR_clear_error()
        let n = SSL_write(ssl, bytes.baseAddress, Int32(clamping: bytes.count))
        if n > 0 { return Int(n) }
        let err = SSL_get_error(ssl, n)
        if err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE { return 0 }
        throw UpstreamError(.reset, origin: origin, detail: "TLS write: \(Self.lastError())")
    }

    func close() {
        if closed { return }
        closed = true
        if connected { SSL_shutdown(ssl) }
        socket.close()
    }

    /// The reason of the newest OpenSSL error.
    static func lastError() -> String { OpenSSLError.newestReason() }
}
