import RelayCore

/// After a `101`: bytes both ways as they come, the client's side paused while the upstream
/// is behind and the other way round; an observer (the WebSocket trace) sees them in line,
/// a filter (push faults) may change the server's.
extension LoopConnection {
    func enterTunnel(_ r: RelayResponse) {
        state = .tunnel
        observer = r.tunnelObserver
        filter = r.tunnelFilter
        endpoint = r.upgraded
        if let endpoint {
            let sink = BodySink(loop: loop, connection: self)
            endpoint.start { bytes in if let bytes { sink.send(bytes) } else { sink.end() } }
        }
        // Bytes the client sent right after its upgrade request were read already.
        let early = parser.takeRemaining()
        if !early.isEmpty { tunnelFromClient(early[...]) }
        resumeReading()
    }

    func tunnelFromClient(_ bytes: ArraySlice<UInt8>) {
        observer?.clientSent(bytes)
        if let endpoint { return endpoint.clientSent(bytes) }
        guard let up = upstream else { return }
        up.sendTunnel(Array(bytes))
        if up.isCongested { pauseReading() }
    }

    func tunnelFromUpstream(_ bytes: ArraySlice<UInt8>) {
        var end = false
        var segments: [(delayMs: Int, bytes: [UInt8])] = [(0, Array(bytes))]
        if let filter { (segments, end) = filter.transform(bytes) }
        for seg in segments where !seg.bytes.isEmpty {
            if seg.delayMs > 0 { holdUntil = max(holdUntil, MonotonicClock.nanos()) + UInt64(seg.delayMs) * 1_000_000 }
            observer?.upstreamSent(seg.bytes[...])
            send(seg.bytes, notBefore: holdUntil)
        }
        if end { return closeTunnel() }
        if isCongested { upstream?.pauseReading() }
    }

    func closeTunnel() {
        upstream?.close()
        upstream = nil
        endpoint?.close()
        endpoint = nil
        closeAfterFlush()
    }
}
