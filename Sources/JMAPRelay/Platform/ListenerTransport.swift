import RelayCore

/// The client side of a connection to a `--tls` listener, which speaks TLS and plain HTTP on
/// one port: the first byte decides (0x16 opens a TLS handshake). Plain bytes then go
/// straight to the socket; TLS goes through a `TLSEngine`, whose handshake runs inside `read`
/// and `write` like the upstream side's. A failed handshake throws the engine's error, which
/// closes this connection only. Owned by its loop's thread.
final class ListenerTransport: Transport {
    private enum Mode {
        /// No byte has come yet.
        case undecided
        case plain
        case tls(TLSEngine)
    }

    private let socket: Socket
    private let context: TLSServerContext
    private var mode = Mode.undecided
    /// Decrypted bytes not yet given to the reader, from `plaintextStart`.
    private var plaintext: [UInt8] = []
    private var plaintextStart = 0
    /// Ciphertext the engine produced that the socket has not taken yet, from `ciphertextStart`.
    private var ciphertext: [UInt8] = []
    private var ciphertextStart = 0
    private var peerEnded = false
    /// Beyond this much unsent ciphertext, `write` takes nothing more until the socket drains.
    private static let ciphertextLimit = 256 * 1024

    init(_ socket: Socket, context: TLSServerContext) {
        self.socket = socket
        self.context = context
    }

    /// Whether the client came over TLS.
    var isTLS: Bool {
        if case .tls = mode { return true }
        return false
    }

    var shortReadDrains: Bool {
        if case .plain = mode { return true }
        return false
    }

    var wantsWritable: Bool { ciphertextStart < ciphertext.count }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int? {
        switch mode {
        case .plain:
            return try socket.readNonBlocking(into: buffer)
        case .undecided:
            switch socket.peekByte() {
            case nil: return nil
            case .some(0x16): mode = .tls(try TLSEngine(server: context))
            default: mode = .plain
            }
            return try read(into: buffer)
        case .tls(let engine):
            return try readTLS(engine, into: buffer)
        }
    }

    private func readTLS(_ engine: TLSEngine, into buffer: UnsafeMutableRawBufferPointer) throws -> Int? {
        while plaintextStart == plaintext.count {
            plaintext.removeAll(keepingCapacity: true)
            plaintextStart = 0
            if peerEnded { return 0 }
            let n = try socket.readNonBlocking(into: buffer)
            if n == 0 { peerEnded = true }
            if let n, n > 0 { engine.receive(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) }
            let status = engine.readPlaintext(into: &plaintext)
            try sendCiphertext(engine)
            switch status {
            case .failed(let error): throw error
            case .closed where plaintext.isEmpty: return 0
            case .handshaking where peerEnded: throw TLSEngineError(.handshake, detail: "the client closed the connection")
            default: break
            }
            // Nothing more on the socket for now.
            if n == nil, plaintext.isEmpty { return nil }
        }
        let count = min(buffer.count, plaintext.count - plaintextStart)
        plaintext.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + plaintextStart, byteCount: count) }
        plaintextStart += count
        return count
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        switch mode {
        case .plain, .undecided:
            return try socket.writeNonBlocking(bytes)
        case .tls(let engine):
            try sendCiphertext(engine)
            guard ciphertext.count - ciphertextStart < Self.ciphertextLimit, !bytes.isEmpty else { return 0 }
            if case .failed(let error) = engine.send(bytes) { throw error }
            try sendCiphertext(engine)
            return bytes.count
        }
    }

    /// Moves what the engine produced to the socket, as far as it takes it.
    private func sendCiphertext(_ engine: TLSEngine) throws {
        engine.takeCiphertext(into: &ciphertext)
        while ciphertextStart < ciphertext.count {
            let n = try ciphertext.withUnsafeBytes { try socket.writeNonBlocking(UnsafeRawBufferPointer(rebasing: $0[ciphertextStart...])) }
            if n == 0 { return }
            ciphertextStart += n
        }
        ciphertext.removeAll(keepingCapacity: ciphertext.capacity <= 64 * 1024)
        ciphertextStart = 0
    }

    func close() {
        if case .tls(let engine) = mode {
            // close_notify, if the socket takes it now.
            engine.close()
            try? sendCiphertext(engine)
        }
        socket.close()
    }
}
