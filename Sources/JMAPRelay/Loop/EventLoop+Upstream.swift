import RelayCore

extension EventLoop {
    /// Starts a request to `origin` on a pooled or new connection of this loop; the answer
    /// goes to `receiver`. A connection that cannot be started is reported to `receiver`
    /// at once.
    /// - Parameters:
    ///   - bytes: the request head, with the whole body when `complete`.
    ///   - readTimeout: how long the answer may go quiet (nil: an event stream).
    ///   - mayRetry: send it again on a fresh connection if a pooled one turns out dead; a
    ///     retry itself (false) always connects anew, as the rest of the pool may be as dead.
    /// - Returns: the connection, for a streamed body and backpressure; nil when it failed.
    @discardableResult
    func startUpstream(_ origin: Origin, method: String, bytes: [UInt8], complete: Bool, readTimeout: Duration?,
                       receiver: any UpstreamReceiver, mayRetry: Bool = true) -> LoopUpstreamConnection? {
        let conn: LoopUpstreamConnection
        if mayRetry, let idle = idleUpstreams[origin]?.connections.popLast() {
            conn = idle
        } else {
            do {
                conn = try connect(origin)
            } catch let e as UpstreamError {
                receiver.upstreamFailed(e)
                return nil
            } catch let e as SocketError {
                let kind: UpstreamError.Kind = e.kind == .timeout ? .timeout : e.kind == .dns ? .dns : .refused
                receiver.upstreamFailed(UpstreamError(kind, origin: origin.description, detail: "connect: \(e.message)"))
                return nil
            } catch {
                receiver.upstreamFailed(UpstreamError(.refused, origin: origin.description, detail: "connect: \(error)"))
                return nil
            }
        }
        conn.begin(method: method, bytes: bytes, complete: complete, readTimeout: readTimeout, receiver: receiver, mayRetry: mayRetry)
        return conn
    }

    /// A new connection to `origin`, its connect (and TLS handshake) under way; the
    /// name's other addresses are kept for a connect that fails later.
    private func connect(_ origin: Origin) throws -> LoopUpstreamConnection {
        let (socket, inProgress, untried) = try Socket.connectNonBlocking(to: Socket.addresses(host: origin.host, port: origin.port))
        let conn = LoopUpstreamConnection(origin: origin, socket: socket, transport: try transport(for: origin, over: socket),
                                          connecting: inProgress, untried: untried, loop: self)
        guard register(conn, connecting: inProgress) else {
            conn.transport.close()
            throw UpstreamError(.refused, origin: origin.description, detail: "connect: the event loop could not watch the socket")
        }
        return conn
    }

    /// How bytes cross a connection to `origin`: plain, or TLS for `https`.
    func transport(for origin: Origin, over socket: Socket) throws -> any Transport {
        guard origin.secure else { return PlainTransport(socket) }
        guard let tls else { throw UpstreamError(.tls, origin: origin.description, detail: "no TLS context") }
        return try TLSTransport(
            socket: socket, serverName: origin.host, port: origin.port, context: tls, originDescription: origin.description)
    }

    /// Puts a connection whose exchange ended cleanly back in the pool.
    func releaseUpstream(_ conn: LoopUpstreamConnection) {
        let pool: IdleUpstreams
        if let p = idleUpstreams[conn.origin] {
            pool = p
        } else {
            pool = IdleUpstreams()
            idleUpstreams[conn.origin] = pool
        }
        guard pool.connections.count < maxIdlePerOrigin else { return conn.close() }
        conn.becomeIdle()
        pool.connections.append(conn)
    }

    /// Takes a connection out of the pool (it closed or failed while idle).
    func forgetIdle(_ conn: LoopUpstreamConnection) {
        guard let pool = idleUpstreams[conn.origin], let i = pool.connections.firstIndex(where: { $0 === conn }) else { return }
        pool.connections.remove(at: i)
    }
}

/// A loop's idle keep-alive connections to one origin: a reference, so taking and returning
/// a connection changes the list in place rather than through the dictionary.
final class IdleUpstreams {
    var connections: [LoopUpstreamConnection] = []
}
