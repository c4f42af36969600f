import RelayCore

/// One connection to an upstream origin (plain or TLS), reused for sequential exchanges.
/// Owned by one exchange at a time: taken from the pool, returned when its response ends.
final class UpstreamConnection: @unchecked Sendable {
    let origin: Origin
    let stream: any ByteStream
    private let socket: Socket
    var parser = HTTPResponseParser()
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)
    /// Exchanges served so far; a reused connection may have been closed by the server.
    var uses = 0

    init(origin: Origin, socket: Socket, stream: any ByteStream) {
        self.origin = origin
        self.socket = socket
        self.stream = stream
    }

    /// Opens a connection: TCP, then TLS for a secure origin.
    static func open(origin: Origin, connectTimeout: Duration, tls: TLSContext?) throws -> UpstreamConnection {
        let socket: Socket
        do {
            socket = try Socket.connect(host: origin.host, port: origin.port, timeout: connectTimeout)
        } catch let e as SocketError {
            throw UpstreamError(e.kind == .timeout ? .timeout : e.kind == .dns ? .dns : .refused,
                                origin: origin.description, detail: "connect: \(e.message)")
        }
        guard origin.secure else { return UpstreamConnection(origin: origin, socket: socket, stream: socket) }
        guard let tls else { throw UpstreamError(.tls, origin: origin.description, detail: "no TLS context") }
        let stream = try TLSStream(socket: socket, serverName: origin.host, context: tls, originDescription: origin.description)
        return UpstreamConnection(origin: origin, socket: socket, stream: stream)
    }

    /// The read timeout in force, named in a timeout's message.
    private var readTimeout: Duration?

    func setReadTimeout(_ d: Duration?) {
        readTimeout = d
        socket.setReadTimeout(d)
    }

    /// Whether a pooled connection still looks usable (the server has not closed it).
    var looksAlive: Bool { !socket.waitReadable(timeout: .zero) }

    /// Writes all of `bytes`, mapping failures to upstream errors.
    func write(_ bytes: [UInt8]) throws {
        do { try stream.write(bytes) } catch { throw mapped(error, doing: "write") }
    }

    /// The next response part, reading as needed.
    func nextPart() throws -> HTTPPart<HTTPResponseHead>? {
        while true {
            do {
                if let part = try parser.next() { return part }
            } catch {
                throw UpstreamError(.protocolError, origin: origin.description, detail: "\(error)")
            }
            let n: Int
            do {
                n = try scratch.withUnsafeMutableBytes { buf -> Int in
                    // Plain sockets read straight into the reused buffer (no allocation per read).
                    if let plain = stream as? Socket { return try plain.read(into: buf) }
                    let piece = try stream.read(max: buf.count)
                    piece.withUnsafeBytes { src in buf.copyMemory(from: src) }
                    return piece.count
                }
            } catch {
                throw mapped(error, doing: "read")
            }
            if n == 0 {
                parser.appendEOF()
                do {
                    if let part = try parser.next() { return part }
                } catch {
                    throw UpstreamError(.reset, origin: origin.description, detail: "connection closed mid-response")
                }
                return nil
            }
            scratch.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }

    /// Bytes after a `101` response head, and the stream to continue on.
    func takeUpgraded() -> any ByteStream {
        let rest = parser.takeRemaining()
        // A tunnel reads and writes from two threads at once.
        (stream as? TLSStream)?.startDuplex()
        return rest.isEmpty ? stream : PrefixedStream(prefix: rest, stream: stream)
    }

    func close() { stream.close() }

    private func mapped(_ error: any Error, doing what: String) -> UpstreamError {
        if let e = error as? UpstreamError { return e }
        if let e = error as? SocketError {
            switch e.kind {
            case .timeout:
                let within = readTimeout.map { "\($0)" } ?? "the timeout"
                return UpstreamError(.timeout, origin: origin.description, detail: "no answer within \(within) (upstream timeout, \(what))")
            default: return UpstreamError(.reset, origin: origin.description, detail: "\(what): \(e.message)")
            }
        }
        return UpstreamError(.reset, origin: origin.description, detail: "\(what): \(error)")
    }
}

/// A stream that first yields bytes already read from it.
final class PrefixedStream: ByteStream, @unchecked Sendable {
    // Owned by the tunnel's reading thread; writes go straight through.
    private var prefix: [UInt8]?
    private let stream: any ByteStream

    init(prefix: [UInt8], stream: any ByteStream) {
        self.prefix = prefix
        self.stream = stream
    }

    func read(max: Int) throws -> ArraySlice<UInt8> {
        if let p = prefix {
            prefix = nil
            return p[...]
        }
        return try stream.read(max: max)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws { try stream.write(bytes) }
    func close() { stream.close() }
}
