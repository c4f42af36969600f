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

/// A TLS client over a non-blocking socket: a client `TLSEngine` (SNI, certificate and
/// host-name verification unless the context says insecure, the origin's last session
/// resumed) carried by a `TLSEngineTransport`, as a `--tls` listener's clients are. Its
/// failures are `UpstreamError`s: `.tls` during the handshake, `.reset` after it.
final class TLSTransport: Transport {
    private let inner: TLSEngineTransport
    private let origin: String

    init(socket: Socket, serverName: String, port: Int, context: TLSContext, originDescription: String) throws {
        origin = originDescription
        do {
            inner = TLSEngineTransport(socket: socket, engine: try TLSEngine(client: context, serverName: serverName, port: port))
        } catch {
            throw UpstreamError(.tls, origin: originDescription, detail: "\(error)")
        }
    }

    deinit { close() }

    var shortReadDrains: Bool { inner.shortReadDrains }
    var wantsWritable: Bool { inner.wantsWritable }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int? {
        do { return try inner.read(into: buffer) } catch let e as TLSEngineError { throw upstreamError(e) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        do { return try inner.write(bytes) } catch let e as TLSEngineError { throw upstreamError(e) }
    }

    func flushPending() throws -> Bool {
        do { return try inner.flushPending() } catch let e as TLSEngineError { throw upstreamError(e) }
    }

    func close() { inner.close() }

    private func upstreamError(_ e: TLSEngineError) -> UpstreamError {
        switch e.kind {
        case .certificate: UpstreamError(.tls, origin: origin, detail: e.description)
        case .handshake: UpstreamError(.tls, origin: origin, detail: "handshake failed: \(e.detail)")
        case .protocolError: UpstreamError(.reset, origin: origin, detail: e.description)
        }
    }
}
