import RelayCore

/// A `TLSEngine` over a non-blocking socket: ciphertext read from the socket goes into the
/// engine, plaintext comes out of `read`; `write` encrypts and sends what the socket takes,
/// keeping the rest. The handshake runs inside `read` and `write`, whichever comes first.
/// The one way TLS meets a socket, for upstream connections and for a `--tls` listener's
/// clients alike; failures throw the engine's `TLSEngineError`. Owned by its loop's thread.
final class TLSEngineTransport: Transport {
    let engine: TLSEngine
    private let socket: Socket
    /// Decrypted bytes not yet given to the reader, from `plaintextStart`.
    private var plaintext: [UInt8] = []
    private var plaintextStart = 0
    /// Ciphertext the engine produced that the socket has not taken yet, from `ciphertextStart`.
    private var ciphertext: [UInt8] = []
    private var ciphertextStart = 0
    private var peerEnded = false
    private var closed = false
    /// Beyond this much unsent ciphertext, `write` takes nothing more until the socket drains.
    private static let ciphertextLimit = 256 * 1024

    init(socket: Socket, engine: TLSEngine) {
        self.socket = socket
        self.engine = engine
    }

    var shortReadDrains: Bool { false }

    var wantsWritable: Bool { ciphertextStart < ciphertext.count }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int? {
        while plaintextStart == plaintext.count {
            plaintext.removeAll(keepingCapacity: true)
            plaintextStart = 0
            if peerEnded { return 0 }
            // The caller's buffer holds the ciphertext until the engine has copied it.
            let n = try socket.readNonBlocking(into: buffer)
            if n == 0 { peerEnded = true }
            if let n, n > 0 { engine.receive(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) }
            let status = engine.readPlaintext(into: &plaintext)
            try sendCiphertext()
            switch status {
            case .failed(let error): throw error
            case .closed where plaintext.isEmpty: return 0
            case .handshaking where peerEnded: throw TLSEngineError(.handshake, detail: "the peer closed the connection")
            default: break
            }
            if n == nil, plaintext.isEmpty { return nil }
        }
        let count = min(buffer.count, plaintext.count - plaintextStart)
        plaintext.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + plaintextStart, byteCount: count) }
        plaintextStart += count
        return count
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        try sendCiphertext()
        guard ciphertext.count - ciphertextStart < Self.ciphertextLimit, !bytes.isEmpty else { return 0 }
        // Before the handshake is done the engine holds the plaintext and sends it after.
        if case .failed(let error) = engine.send(bytes) { throw error }
        try sendCiphertext()
        return bytes.count
    }

    func flushPending() throws -> Bool {
        try sendCiphertext()
        return !wantsWritable
    }

    /// Moves what the engine produced to the socket, as far as it takes it.
    private func sendCiphertext() throws {
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
        if closed { return }
        closed = true
        // close_notify, if the socket takes it now.
        engine.close()
        try? sendCiphertext()
        socket.close()
    }
}
