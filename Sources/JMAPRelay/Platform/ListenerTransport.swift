import RelayCore

/// The client side of a connection to a `--tls` listener, which speaks TLS and plain HTTP on
/// one port: the first byte decides (0x16 opens a TLS handshake). Plain bytes then go
/// straight to the socket; TLS goes through a `TLSEngineTransport`, as upstream TLS does. A
/// failed handshake throws the engine's error, which closes this connection only. Owned by
/// its loop's thread.
final class ListenerTransport: Transport {
    private enum Mode {
        /// No byte has come yet.
        case undecided
        case plain
        case tls(TLSEngineTransport)
    }

    private let socket: Socket
    private let context: TLSServerContext
    private var mode = Mode.undecided

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
        if case .tls(let t) = mode { return t.shortReadDrains }
        return true
    }

    var wantsWritable: Bool {
        if case .tls(let t) = mode { return t.wantsWritable }
        return false
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int? {
        switch mode {
        case .plain:
            return try socket.readNonBlocking(into: buffer)
        case .undecided:
            switch socket.peekByte() {
            case nil: return nil
            case .some(0x16): mode = .tls(TLSEngineTransport(socket: socket, engine: try TLSEngine(server: context)))
            default: mode = .plain
            }
            return try read(into: buffer)
        case .tls(let t):
            return try t.read(into: buffer)
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        if case .tls(let t) = mode { return try t.write(bytes) }
        return try socket.writeNonBlocking(bytes)
    }

    func flushPending() throws -> Bool {
        if case .tls(let t) = mode { return try t.flushPending() }
        return true
    }

    func close() {
        if case .tls(let t) = mode { return t.close() }
        socket.close()
    }
}
