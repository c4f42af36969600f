import COpenSSL
import Foundation
import RelayCore

/// TLS settings for upstream connections.
public struct TLSClientConfiguration: Sendable, Equatable {
    /// A PEM file of CA certificates to trust in addition to the system's.
    public var caFile: String?
    /// Skip certificate and host-name verification (test servers only).
    public var insecure: Bool

    public init(caFile: String? = nil, insecure: Bool = false) {
        self.caFile = caFile
        self.insecure = insecure
    }
}

/// One OpenSSL `SSL_CTX` for a configuration, shared by every upstream connection.
public final class TLSContext: @unchecked Sendable {
    // SSL_CTX is safe to share across threads once configured.
    let ctx: OpaquePointer
    let configuration: TLSClientConfiguration

    public init(configuration: TLSClientConfiguration) throws {
        guard let ctx = SSL_CTX_new(TLS_client_method()) else {
            throw UpstreamError(.tls, origin: "-", detail: "cannot create TLS context: \(TLSStream.lastError())")
        }
        self.ctx = ctx
        self.configuration = configuration
        _ = relay_SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)
        SSL_CTX_set_default_verify_paths(ctx)
        if let ca = configuration.caFile {
            guard SSL_CTX_load_verify_locations(ctx, ca, nil) == 1 else {
                SSL_CTX_free(ctx)
                throw UpstreamError(.tls, origin: "-", detail: "cannot load CA file \(ca): \(TLSStream.lastError())")
            }
        }
        SSL_CTX_set_verify(ctx, configuration.insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nil)
    }

    deinit { SSL_CTX_free(ctx) }
}

/// A TLS client connection over a connected socket: SNI, certificate and host-name
/// verification on unless the context says insecure. Owned by one thread at a time, except
/// after `startDuplex()`: then one thread may read while another writes (a WebSocket tunnel).
public final class TLSStream: ByteStream, @unchecked Sendable {
    private let ssl: OpaquePointer
    private let socket: Socket
    private let origin: String
    private var closed = false
    /// Serialises OpenSSL calls in duplex mode (one `SSL` must not be used by two threads at once).
    private let lock = NSLock()
    private var duplex = false

    public init(socket: Socket, serverName: String, context: TLSContext, originDescription: String) throws {
        guard let ssl = SSL_new(context.ctx) else {
            throw UpstreamError(.tls, origin: originDescription, detail: "SSL_new: \(Self.lastError())")
        }
        self.ssl = ssl
        self.socket = socket
        self.origin = originDescription
        let isIP = serverName.contains(":") || serverName.allSatisfy { $0.isNumber || $0 == "." }
        if !isIP { _ = relay_SSL_set_tlsext_host_name(ssl, serverName) }
        if !context.configuration.insecure {
            if isIP {
                let param = SSL_get0_param(ssl)
                X509_VERIFY_PARAM_set1_ip_asc(param, serverName)
            } else {
                SSL_set1_host(ssl, serverName)
            }
        }
        SSL_set_fd(ssl, socket.fd)
        ERR_clear_error()
        if SSL_connect(ssl) != 1 {
            let verify = SSL_get_verify_result(ssl)
            var detail = "handshake failed: \(Self.lastError())"
            if verify != X509_V_OK, let s = X509_verify_cert_error_string(verify) {
                detail = "certificate verify failed: \(String(cString: s))"
            }
            // The object is whole by now, so deinit runs and frees `ssl`: freeing it here too
            // was a double free on every failed handshake.
            closed = true
            socket.close()
            throw UpstreamError(.tls, origin: originDescription, detail: detail)
        }
    }

    deinit {
        if !closed { close() }
        SSL_free(ssl)
    }

    /// Lets one thread read while another writes. OpenSSL forbids concurrent calls on one
    /// connection, so each call takes a lock; a reader waits for data without holding it, and
    /// a short socket read timeout bounds how long a read of a half-arrived record holds it.
    /// Call before the second thread starts.
    public func startDuplex() {
        duplex = true
        socket.setReadTimeout(.milliseconds(20))
    }

    public func read(max: Int) throws -> ArraySlice<UInt8> {
        var buf = [UInt8](repeating: 0, count: max)
        while true {
            if duplex {
                let buffered = lock.withLock { SSL_pending(ssl) > 0 || SSL_has_pending(ssl) == 1 }
                if !buffered { _ = socket.waitReadable(timeout: nil) }
                lock.lock()
            }
            ERR_clear_error()
            let n = buf.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32(clamping: $0.count)) }
            let err = n > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl, n)
            if duplex { lock.unlock() }
            if n > 0 { return buf[0..<Int(n)] }
            if duplex, err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE { continue }
            return try readFailed(err)
        }
    }

    /// The end of the stream or an error; OpenSSL's error queue is per thread, so it can be
    /// read after the lock is released.
    private func readFailed(_ err: Int32) throws -> ArraySlice<UInt8> {
        if err == SSL_ERROR_ZERO_RETURN { return [] }
        if err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE {
            throw UpstreamError(.timeout, origin: origin, detail: "no answer within the timeout")
        }
        if err == SSL_ERROR_SYSCALL, ERR_peek_error() == 0 {
            // EOF without close_notify: many servers do this; treat as the end of the stream.
            return []
        }
        throw UpstreamError(.reset, origin: origin, detail: "TLS read: \(Self.lastError())")
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var off = 0
        while off < bytes.count {
            if duplex { lock.lock() }
            ERR_clear_error()
            let n = SSL_write(ssl, bytes.baseAddress! + off, Int32(clamping: bytes.count - off))
            if duplex { lock.unlock() }
            if n <= 0 { throw UpstreamError(.reset, origin: origin, detail: "TLS write: \(Self.lastError())") }
            off += Int(n)
        }
    }

    public func close() {
        if duplex { lock.lock() }
        defer { if duplex { lock.unlock() } }
        if closed { return }
        closed = true
        SSL_shutdown(ssl)
        socket.close()
    }

    /// The reason of the newest OpenSSL error.
    static func lastError() -> String {
        let code = ERR_get_error()
        if code == 0 { return "connection closed" }
        var buf = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buf, buf.count)
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
