import RelayCore

extension EventLoop {
    /// Sends a prepared request upstream on a pooled or new connection of this loop; the
    /// answer goes to `client.upstreamAnswered`. A connection that cannot be started sends
    /// the exchange to a thread, which reports the failure the way the thread model does.
    func forward(_ plan: ForwardPlan, for client: LoopConnection, mayRetry: Bool) {
        let origin = plan.request.origin
        let conn: LoopUpstreamConnection
        let pooled: Bool
        if let idle = idleUpstreams[origin]?.connections.popLast() {
            conn = idle
            pooled = true
        } else {
            guard let (socket, inProgress) = try? Socket.connectNonBlocking(host: origin.host, port: origin.port) else {
                return client.handOverForward(plan)
            }
            if !inProgress { socket.setBlocking(true) }
            conn = LoopUpstreamConnection(origin: origin, socket: socket, connecting: inProgress, loop: self)
            guard register(conn, connecting: inProgress) else {
                socket.close()
                return client.handOverForward(plan)
            }
            pooled = false
        }
        let bodyBytes: [UInt8]
        if let whole = plan.request.body.unreadContents {
            bodyBytes = whole  // left unread: a retry or a thread may send it again
        } else {
            bodyBytes = (try? plan.request.body.readAll()) ?? []
            plan.request.body = BufferedBody(bodyBytes)
        }
        conn.start(plan, for: client, mayRetry: mayRetry && pooled) { out in
            let head = plan.request.head
            out.reserveCapacity(512 + bodyBytes.count)
            HTTPSerializer.writeRequestLine(head, into: &out)
            for f in head.headers.fields { HTTPSerializer.writeField(f.name, f.value, into: &out) }
            if !bodyBytes.isEmpty || head.method == "POST" || head.method == "PUT" || head.method == "PATCH" {
                HTTPSerializer.writeContentLength(bodyBytes.count, into: &out)
            }
            HTTPSerializer.endHead(into: &out)
            out.append(contentsOf: bodyBytes)
        }
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
