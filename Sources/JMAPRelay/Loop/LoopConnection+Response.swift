import RelayCore

extension LoopConnection {
    /// Acts on the pipeline's reply: a response is written (or held for a delay fault), a
    /// reset cuts the connection, a hang answers nothing.
    func deliver(_ reply: RelayReply) {
        guard !isClosed else { return Self.discard(reply) }
        switch reply {
        case .reset:
            reset()
        case .hang:
            state = .hanging
            resumeReading()
        case .response(let r):
            writeResponse(r)
        }
    }

    /// A refusal of input the codec could not read; the connection closes after it.
    func refuse(_ problem: ProblemDetails) {
        var out: [UInt8] = []
        let r = RelayResponse.problem(problem)
        _ = ResponseFraming.frame(r.head, knownLength: problem.body.count, request: nil, keepAlive: false, into: &out)
        out.append(contentsOf: problem.body)
        state = .responding
        pipeline.noteRefusal(problem, peer: socket.peerDescription)
        send(out)
        closeAfterFlush()
    }

    private func writeResponse(_ r: RelayResponse) {
        guard let h = head else { return close() }
        state = .responding
        let streamedAnswer = r.body is StreamedBody
        if !streamedAnswer, answerStreaming {
            // The pipeline answered something else: the rest of the upstream's body is not wanted.
            answerStreaming = false
            upstream?.abandonExchange()
            upstream = nil
        }
        let keepAlive = HeaderPolicy.clientWantsKeepAlive(h) && !r.close && !pipeline.isStopping && requestEnded && !sawEOF
        var out: [UInt8] = []
        let framing = ResponseFraming.frame(
            r.head, knownLength: r.body.knownLength, truncated: r.truncateAfter != nil, request: h, keepAlive: keepAlive, into: &out)
        chunked = framing.chunked
        keepAfter = framing.keepAlive
        bodySent = 0
        truncateAfter = r.truncateAfter
        pacer = r.bytesPerSecond.map(Pacer.init)
        transform = r.transform
        completion = r.completion
        responseQueued = false
        responseError = nil
        holdUntil = r.delayMs > 0 ? MonotonicClock.nanos() + UInt64(r.delayMs) * 1_000_000 : 0
        if r.head.status == 101 {
            send(out, notBefore: holdUntil)
            let c = completion
            completion = nil
            c?(ResponseCompletion(bytesSent: 0, error: nil))
            return enterTunnel(r)
        }
        if framing.bodyless {
            send(out, notBefore: holdUntil)
            if answerStreaming {
                answerStreaming = false
                upstream?.abandonExchange()
                upstream = nil
            }
            return endResponse()
        }
        switch r.body {
        case let streamed as StreamedBody:
            writeBody(streamed.prefix[...], head: out)
            if answerStreaming, isCongested { upstream?.pauseReading() }
        case let p as PushedBody:
            writeBody([], head: out)
            pushed = p
            lastSend = MonotonicClock.nanos()
            p.start(BodySink(loop: loop, connection: self))
            if let beat = p.heartbeat { armHeartbeat(beat.interval, beat.bytes) }
        default:
            let contents = (r.body as? BufferedBody)?.contents ?? ((try? r.body.readAll()) ?? [])
            writeBody(contents[...], head: out)
            endResponse()
        }
    }

    /// Writes a piece of the body: through the stream's transform, cut at a truncation, in a
    /// chunk when chunked, paced under a bandwidth fault, held behind a delayed piece.
    /// - Parameters:
    ///   - head: bytes that go first, in the same write (the response head).
    func writeBody(_ piece: ArraySlice<UInt8>, head: [UInt8] = []) {
        var out = head
        var end = false
        let segments: [(delayMs: Int, bytes: [UInt8])]
        if let transform, !piece.isEmpty {
            (segments, end) = transform.transform(piece)
        } else {
            segments = piece.isEmpty ? [] : [(0, Array(piece))]
        }
        for seg in segments {
            if seg.delayMs > 0 {
                if !out.isEmpty { emit(&out) }
                holdUntil = max(holdUntil, MonotonicClock.nanos()) + UInt64(seg.delayMs) * 1_000_000
            }
            var bytes = seg.bytes[...]
            if let limit = truncateAfter {
                bytes = bytes.prefix(max(0, limit - bodySent))
                if bodySent + bytes.count >= limit { end = true }
            }
            bodySent += bytes.count
            HTTPSerializer.writeBodyPiece(bytes, chunked: chunked, into: &out)
            if end { break }
        }
        emit(&out)
        lastSend = MonotonicClock.nanos()
        guard end else { return }
        if let limit = truncateAfter, bodySent >= limit { responseError = "truncated after \(bodySent) bytes" }
        if answerStreaming {
            answerStreaming = false
            upstream?.abandonExchange()
            upstream = nil
        }
        endResponse()
    }

    private func emit(_ out: inout [UInt8]) {
        guard !out.isEmpty else { return }
        if pacer != nil {
            for slice in pacer!.schedule(out, now: MonotonicClock.nanos()) { send(slice.bytes, notBefore: max(slice.at, holdUntil)) }
        } else {
            send(out, notBefore: holdUntil)
        }
        out.removeAll()
    }

    /// The body is complete (or cut): the exchange finishes once it is written.
    func endResponse() {
        guard state == .responding, !responseQueued else { return }
        if responseError != nil {
            keepAfter = false
        } else if chunked {
            send(HTTPSerializer.lastChunk, notBefore: holdUntil)
        }
        responseQueued = true
        if pendingOutput == 0 { finishResponse() }
    }

    /// The response is written: its bookkeeping runs, and the connection serves the next
    /// request or closes.
    func finishResponse() {
        responseQueued = false
        let c = completion
        completion = nil
        c?(ResponseCompletion(bytesSent: bodySent, error: responseError))
        transform = nil
        pacer = nil
        guard keepAfter, !pipeline.isStopping, !isClosed else { return close() }
        state = .reading
        head = nil
        holdUntil = 0
        readDeadline.awaitRequest(now: MonotonicClock.nanos())
        if sawEOF, parser.bufferedCount == 0 { return close() }
        process()
        if state == .reading { resumeReading() }
    }

    // MARK: Pushed bodies

    /// Bytes of a pushed body (on the loop's thread).
    func pushedBytes(_ bytes: [UInt8]) {
        if state == .tunnel { return tunnelFromUpstream(bytes[...]) }
        guard pushed != nil, state == .responding else { return }
        // A client that does not read loses events rather than growing the relay's memory.
        guard pendingOutput < 4 << 20 else { return }
        writeBody(bytes[...])
    }

    /// The pushed body ended.
    func pushedEnd() {
        if state == .tunnel { return closeTunnel() }
        guard pushed != nil else { return }
        pushed = nil
        endResponse()
    }

    private func armHeartbeat(_ interval: Duration, _ bytes: [UInt8]) {
        loop.schedule(after: interval) { [weak self] in
            guard let self, self.pushed != nil, !self.isClosed else { return }
            if MonotonicClock.nanos() - self.lastSend >= interval.nanoseconds { self.writeBody(bytes[...]) }
            self.armHeartbeat(interval, bytes)
        }
    }
}
