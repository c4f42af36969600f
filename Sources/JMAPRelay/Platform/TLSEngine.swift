import COpenSSL

/// A TLS connection without a socket: ciphertext read from the network goes in with
/// `receive`, plaintext comes out of `readPlaintext`; plaintext to send goes in with
/// `send`, ciphertext to write comes out of `takeCiphertext`. OpenSSL's WANT_READ and
/// WANT_WRITE stay inside; the caller sees a `Status`. Nothing here blocks, so one event
/// loop can carry many connections.
///
/// A caller's turn after bytes arrive: `receive`, `readPlaintext`, then write whatever
/// `takeCiphertext` gives (a handshake reply, a session ticket, a close_notify), also when
/// `readPlaintext` gave no plaintext.
///
/// Owned by one thread or loop at a time.
public final class TLSEngine: @unchecked Sendable {
    /// Where the connection is.
    public enum Status: Equatable, Sendable {
        /// The handshake is under way: write any ciphertext, then wait for the peer.
        case handshaking
        /// The handshake is done; application data flows.
        case established
        /// The peer sent close_notify: no more plaintext will come.
        case closed
        /// The connection failed; it is over.
        case failed(TLSEngineError)
    }

    /// Where the connection is now.
    public private(set) var status: Status = .handshaking
    private let ssl: OpaquePointer
    /// Network to OpenSSL; owned by `ssl`.
    private let networkIn: OpaquePointer
    /// OpenSSL to network; owned by `ssl`.
    private let networkOut: OpaquePointer
    /// Plaintext given to `send` before the handshake finished.
    private var pendingPlaintext: [UInt8] = []
    /// One record's worth of room for SSL_read and BIO_read, made once per connection.
    private var scratch = [UInt8](repeating: 0, count: 16_384)
    /// The client's session cache and origin, until the session is saved there.
    private var sessionCache: (cache: TLSSessionCache, origin: String)?
    private let isClient: Bool

    /// A client connection to `serverName` (a host name or an IP address): SNI, and the
    /// certificate checked against the name unless the context is insecure. A session saved
    /// for the same `serverName` and `port` is resumed.
    public convenience init(client context: TLSContext, serverName: String, port: Int) throws {
        try self.init(ctx: context.ctx, isClient: true)
        context.prepare(ssl, serverName: serverName)
        let origin = "\(serverName):\(port)"
        context.sessions.resume(ssl, origin: origin)
        sessionCache = (context.sessions, origin)
        SSL_set_connect_state(ssl)
        advance()
    }

    /// A server connection presenting the context's certificate.
    public convenience init(server context: TLSServerContext) throws {
        try self.init(ctx: context.ctx, isClient: false)
        SSL_set_accept_state(ssl)
    }

    private init(ctx: OpaquePointer, isClient: Bool) throws {
        guard let ssl = SSL_new(ctx) else { throw OpenSSLError("cannot start a TLS connection") }
        guard let input = BIO_new(BIO_s_mem()), let output = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw OpenSSLError("cannot start a TLS connection")
        }
        SSL_set_bio(ssl, input, output)
        self.ssl = ssl
        self.networkIn = input
        self.networkOut = output
        self.isClient = isClient
    }

    deinit { SSL_free(ssl) }

    /// Whether the resumed session spared a full handshake (client side).
    public var resumedSession: Bool { SSL_session_reused(ssl) == 1 }

    /// Takes bytes read from the network. Call `readPlaintext` next.
    public func receive(_ ciphertext: UnsafeRawBufferPointer) {
        guard !ciphertext.isEmpty else { return }
        // A memory BIO grows as needed: the write takes everything.
        _ = BIO_write(networkIn, ciphertext.baseAddress, Int32(clamping: ciphertext.count))
    }

    /// Takes bytes read from the network.
    public func receive(_ ciphertext: some Collection<UInt8>) {
        _ = ciphertext.withContiguousStorageIfAvailable { receive(UnsafeRawBufferPointer($0)) }
            ?? Array(ciphertext).withUnsafeBytes { receive($0) }
    }

    /// Moves the handshake on and appends whatever plaintext the received ciphertext holds to
    /// `plaintext`. Afterwards there may be ciphertext to write, plaintext or not.
    @discardableResult
    public func readPlaintext(into plaintext: inout [UInt8]) -> Status {
        advance()
        guard status == .established else { return status }
        while true {
            ERR_clear_error()
            let n = scratch.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if n > 0 {
                plaintext.append(contentsOf: scratch[0..<Int(n)])
                continue
            }
            let err = SSL_get_error(ssl, n)
            switch err {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                saveSession()
                return status
            case SSL_ERROR_ZERO_RETURN:
                status = .closed
                return status
            default:
                return fail(.protocolError, err)
            }
        }
    }

    /// Encrypts `plaintext` for the peer; before the handshake is done it waits inside.
    @discardableResult
    public func send(_ plaintext: UnsafeRawBufferPointer) -> Status {
        switch status {
        case .handshaking:
            pendingPlaintext.append(contentsOf: plaintext)
            return status
        case .established:
            return write(plaintext)
        case .closed, .failed:
            return status
        }
    }

    /// Encrypts `plaintext` for the peer.
    @discardableResult
    public func send(_ plaintext: [UInt8]) -> Status {
        plaintext.withUnsafeBytes { send($0) }
    }

    /// Whether ciphertext waits to be written to the network.
    public var hasCiphertext: Bool { BIO_ctrl_pending(networkOut) > 0 }

    /// Appends the ciphertext waiting to be written to `ciphertext`.
    public func takeCiphertext(into ciphertext: inout [UInt8]) {
        while BIO_ctrl_pending(networkOut) > 0 {
            let n = scratch.withUnsafeMutableBytes { BIO_read(networkOut, $0.baseAddress, Int32($0.count)) }
            guard n > 0 else { return }
            ciphertext.append(contentsOf: scratch[0..<Int(n)])
        }
    }

    /// Copies up to `buffer.count` bytes of waiting ciphertext into `buffer` (for a caller that
    /// writes from its own buffer). Returns how many.
    public func takeCiphertext(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard !buffer.isEmpty else { return 0 }
        return max(0, Int(BIO_read(networkOut, buffer.baseAddress, Int32(clamping: buffer.count))))
    }

    /// Queues a close_notify for the peer (write `takeCiphertext` afterwards). Plaintext that
    /// still waits for the handshake is dropped.
    public func close() {
        pendingPlaintext.removeAll()
        if status == .established || status == .closed {
            ERR_clear_error()
            _ = SSL_shutdown(ssl)
        }
        if status == .established { status = .closed }
    }

    /// Runs the handshake as far as the received bytes allow.
    private func advance() {
        guard status == .handshaking else { return }
        ERR_clear_error()
        let r = SSL_do_handshake(ssl)
        if r == 1 {
            status = .established
            if !pendingPlaintext.isEmpty {
                let queued = pendingPlaintext
                pendingPlaintext = []
                queued.withUnsafeBytes { _ = write($0) }
            }
            return
        }
        let err = SSL_get_error(ssl, r)
        if err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE { return }
        _ = fail(.handshake, err)
    }

    private func write(_ plaintext: UnsafeRawBufferPointer) -> Status {
        var offset = 0
        while offset < plaintext.count {
            ERR_clear_error()
            let n = SSL_write(ssl, plaintext.baseAddress! + offset, Int32(clamping: plaintext.count - offset))
            guard n > 0 else { return fail(.protocolError, SSL_get_error(ssl, n)) }
            offset += Int(n)
        }
        return status
    }

    /// A client keeps its session for the next connection once a ticket has come.
    private func saveSession() {
        guard let (cache, origin) = sessionCache, isClient else { return }
        if cache.save(ssl, origin: origin) { sessionCache = nil }
    }

    private func fail(_ kind: TLSEngineError.Kind, _ sslError: Int32) -> Status {
        let verify = SSL_get_verify_result(ssl)
        let error: TLSEngineError
        if isClient, kind == .handshake, verify != X509_V_OK, let reason = X509_verify_cert_error_string(verify) {
            error = TLSEngineError(.certificate, detail: String(cString: reason))
        } else if sslError == SSL_ERROR_SYSCALL, ERR_peek_error() == 0 {
            error = TLSEngineError(kind, detail: "the peer closed the connection")
        } else {
            error = TLSEngineError(kind, detail: OpenSSLError.newestReason())
        }
        ERR_clear_error()
        status = .failed(error)
        return status
    }
}
