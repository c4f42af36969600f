import JMAPRelay

/// A blocking client connection for tests: bytes as they are, or TLS through the relay's own
/// `TLSEngine` (the client side checks the certificate against a CA file and a name).
public final class ClientStream: @unchecked Sendable {
    // Owned by the test that created it.
    public let socket: Socket
    private let engine: TLSEngine?
    private var plaintext: [UInt8] = []
    private var ciphertext: [UInt8] = []
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)

    /// A plain connection to `port` on 127.0.0.1.
    public init(port: Int) throws {
        socket = try Socket.connect(host: "127.0.0.1", port: port, timeout: .seconds(5))
        socket.setReadTimeout(.seconds(10))
        engine = nil
    }

    /// A TLS connection to `port` on 127.0.0.1, trusting the CA in `caFile`, for `serverName`;
    /// the handshake is done when this returns, or its failure (a `TLSEngineError`) thrown.
    public init(port: Int, trusting caFile: String, serverName: String) throws {
        socket = try Socket.connect(host: "127.0.0.1", port: port, timeout: .seconds(5))
        socket.setReadTimeout(.seconds(10))
        let engine = try TLSEngine(client: TLSContext(configuration: TLSClientConfiguration(caFile: caFile)), serverName: serverName, port: port)
        self.engine = engine
        while engine.status == .handshaking {
            try flush()
            guard try receive() else { break }
        }
        try flush()
        if case .failed(let error) = engine.status { throw error }
    }

    /// Reads and decrypts once; false at the end of the stream.
    private func receive() throws -> Bool {
        guard let engine else { return false }
        let n = try scratch.withUnsafeMutableBytes { try socket.read(into: $0) }
        if n == 0 { return false }
        engine.receive(scratch[0..<n])
        engine.readPlaintext(into: &plaintext)
        return true
    }

    private func flush() throws {
        engine?.takeCiphertext(into: &ciphertext)
        if !ciphertext.isEmpty { try socket.write(ciphertext) }
        ciphertext.removeAll(keepingCapacity: true)
    }

    /// Up to `max` bytes; empty at the end of the stream.
    public func read(max: Int) throws -> ArraySlice<UInt8> {
        guard let engine else { return try socket.read(max: max) }
        while plaintext.isEmpty {
            let more = try receive()
            try flush()
            if case .failed(let error) = engine.status { throw error }
            if !more || (engine.status == .closed && plaintext.isEmpty) { return [] }
        }
        let count = min(max, plaintext.count)
        defer { plaintext.removeFirst(count) }
        return plaintext[0..<count]
    }

    public func write(_ bytes: [UInt8]) throws {
        guard let engine else { return try socket.write(bytes) }
        if case .failed(let error) = engine.send(bytes) { throw error }
        try flush()
    }

    /// Whether bytes (or the end) are waiting within `timeout`.
    public func waitReadable(timeout: Duration?) -> Bool { !plaintext.isEmpty || socket.waitReadable(timeout: timeout) }

    public func close() {
        engine?.close()
        try? flush()
        socket.close()
    }
}
