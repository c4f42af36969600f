import RelayCore
import Synchronization

/// The network upstream: HTTP/1.1 over TCP or TLS, with a keep-alive pool per origin,
/// connect and read timeouts, and one retry when a pooled connection turns out to be dead.
public final class LiveUpstream: Upstream, Sendable {
    private let pool = Locked<[Origin: [UpstreamConnection]]>([:])
    private let tls: TLSContext?
    private let connectTimeout: Duration
    private let readTimeout: Duration
    private let maxIdlePerOrigin = 64

    public init(tls: TLSClientConfiguration, connectTimeout: Duration, readTimeout: Duration) throws {
        self.tls = try TLSContext(configuration: tls)
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
    }

    public func send(_ request: UpstreamRequest) throws -> UpstreamResponse {
        let replayable = request.body is BufferedBody || request.body.knownLength == 0
        var attempt = 0
        while true {
            attempt += 1
            let (conn, reused) = try acquire(request.origin)
            do {
                return try exchange(request, on: conn)
            } catch let e as UpstreamError {
                conn.close()
                // A pooled connection the server closed meanwhile fails at once; try a fresh one.
                if reused, attempt == 1, replayable, e.kind == .reset || e.kind == .protocolError {
                    if let b = request.body as? BufferedBody { b.rewind() }
                    continue
                }
                throw e
            } catch {
                // The client's body failed mid-request: this connection carries half a request.
                conn.close()
                throw error
            }
        }
    }

    private func exchange(_ request: UpstreamRequest, on conn: UpstreamConnection) throws -> UpstreamResponse {
        var head = request.head
        let body = request.body
        var out: [UInt8] = []
        let chunked: Bool
        if let n = body.knownLength {
            chunked = false
            if n > 0 || ["POST", "PUT", "PATCH"].contains(head.method) { head.headers.add("Content-Length", String(n)) }
        } else {
            chunked = true
            head.headers.add("Transfer-Encoding", "chunked")
        }
        HTTPSerializer.write(head, into: &out)
        conn.setReadTimeout(readTimeout)
        conn.uses += 1
        // Head and body in one write when the body is in memory.
        while let piece = try body.read() {
            if chunked { HTTPSerializer.writeChunkHeader(count: piece.count, into: &out) }
            out.append(contentsOf: piece)
            if chunked { HTTPSerializer.writeChunkEnd(into: &out) }
            if out.count >= 64 * 1024 {
                try conn.write(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        if chunked { HTTPSerializer.writeLastChunk(into: &out) }
        try conn.write(out)

        conn.parser.expectResponse(to: head.method)
        guard let first = try conn.nextPart() else {
            throw UpstreamError(.reset, origin: conn.origin.description, detail: "connection closed before a response")
        }
        guard case .head(let responseHead) = first else {
            throw UpstreamError(.protocolError, origin: conn.origin.description, detail: "no response head")
        }
        if responseHead.status == 101 {
            conn.setReadTimeout(nil)
            _ = try conn.nextPart()
            return UpstreamResponse(head: responseHead, body: BufferedBody.empty(), upgraded: conn.takeUpgraded())
        }
        if request.kind == .eventSource { conn.setReadTimeout(nil) }
        let reusable = !responseHead.headers.hasToken("close", for: "connection")
            && conn.parser.framing != .untilClose && responseHead.version == .http11
        let length: Int? = {
            if case .length(let n) = conn.parser.framing { return n }
            if conn.parser.framing == .none { return 0 }
            return nil
        }()
        let reader = UpstreamBodyReader(connection: conn, knownLength: length) { [self] conn, clean in
            if clean && reusable { release(conn) } else { conn.close() }
        }
        return UpstreamResponse(head: responseHead, body: reader)
    }

    private func acquire(_ origin: Origin) throws -> (UpstreamConnection, reused: Bool) {
        while let conn = pool.withLock({ $0[origin]?.popLast() }) {
            if conn.looksAlive { return (conn, true) }
            conn.close()
        }
        return (try UpstreamConnection.open(origin: origin, connectTimeout: connectTimeout, tls: tls), false)
    }

    /// Returns a connection whose response ended cleanly to the pool (an event loop hands
    /// over connections too).
    func release(_ conn: UpstreamConnection) {
        let kept = pool.withLock { p -> Bool in
            guard (p[conn.origin]?.count ?? 0) < maxIdlePerOrigin else { return false }
            p[conn.origin, default: []].append(conn)
            return true
        }
        if !kept { conn.close() }
    }

    /// Closes every idle connection.
    public func shutdown() {
        let all = pool.withLock { p -> [UpstreamConnection] in
            defer { p.removeAll() }
            return p.values.flatMap { $0 }
        }
        for c in all { c.close() }
    }
}

/// The body of an upstream response, read from its connection on demand; at the end the
/// connection goes back to the pool (or is closed when the body was not read cleanly).
final class UpstreamBodyReader: BodySource, @unchecked Sendable {
    // Owned by the exchange's thread.
    private let connection: UpstreamConnection
    private var done = false
    private let onEnd: (UpstreamConnection, Bool) -> Void
    let knownLength: Int?

    init(connection: UpstreamConnection, knownLength: Int?, onEnd: @escaping (UpstreamConnection, Bool) -> Void) {
        self.connection = connection
        self.knownLength = knownLength
        self.onEnd = onEnd
    }

    func read() throws -> ArraySlice<UInt8>? {
        if done { return nil }
        do {
            while let part = try connection.nextPart() {
                switch part {
                case .body(let b): if !b.isEmpty { return b }
                case .end:
                    finish(clean: true)
                    return nil
                case .head: continue
                }
            }
            throw UpstreamError(.reset, origin: connection.origin.description, detail: "connection closed mid-body")
        } catch {
            finish(clean: false)
            throw error
        }
    }

    private func finish(clean: Bool) {
        guard !done else { return }
        done = true
        onEnd(connection, clean)
    }

    deinit {
        // A body nobody finished reading leaves the connection in an unknown state.
        if !done { connection.close() }
    }
}
