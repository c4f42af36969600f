import RelayCore

/// The request on its way up and the upstream's answer as it arrives: read whole when the
/// pipeline needs it, streamed to the client otherwise (the upstream pauses while the client
/// is behind), or a tunnel after a `101`.
extension LoopConnection: UpstreamReceiver {
    /// Sends the request upstream: the upstream object answers from memory, or the loop's
    /// own connection carries it to the network.
    func forward(_ f: ForwardPlan) {
        if let e = brokenBody {
            brokenBody = nil
            return deliver(pipeline.complete(f, .failure(e)))
        }
        exchange = f
        var request = f.request
        if !f.direct {
            do {
                if let answer = try pipeline.upstream.answer(&request) {
                    exchange = nil
                    return deliver(pipeline.complete(f, .success(answer)))
                }
            } catch {
                exchange = nil
                return deliver(pipeline.complete(f, .failure(error)))
            }
            f.request = request
        }
        uploadPacer = f.faultPlan.bytesPerSecond.map(Pacer.init)
        var bytes: [UInt8] = []
        let complete: Bool
        if let whole = request.body.unreadContents {
            HTTPSerializer.writeRequest(request.head, bodyLength: whole.count, into: &bytes)
            if uploadPacer == nil { bytes += whole } else { backlog = whole + backlog }
            upstreamChunked = false
            complete = uploadPacer == nil
        } else {
            let streamed = request.body as? StreamedBody
            upstreamChunked = HTTPSerializer.writeRequest(request.head, bodyLength: streamed?.knownLength, into: &bytes)
            backlog = (streamed?.prefix ?? []) + backlog
            complete = false
        }
        let eventStream = Pipeline.isEventStreamRequest(f.draft.request, kind: f.draft.kind)
        upstream = loop.startUpstream(
            request.origin, method: request.head.method, bytes: bytes, complete: complete,
            readTimeout: eventStream ? nil : loop.config.upstreamTimeout, receiver: self)
        guard let up = upstream, !complete else { return }
        if !backlog.isEmpty {
            sendUpstreamBody(backlog, to: up)
            backlog = []
        }
        if requestEnded, !isStreamingRequest {
            if upstreamChunked { up.sendBody(HTTPSerializer.lastChunk) }
            up.endBody()
        }
        if isStreamingRequest { resumeReading() }
    }

    /// A streamed body piece on its way up: framed, and paced under a bandwidth fault.
    func sendUpstreamBody(_ bytes: [UInt8], to up: LoopUpstreamConnection) {
        var framed: [UInt8] = []
        HTTPSerializer.writeBodyPiece(bytes[...], chunked: upstreamChunked, into: &framed)
        if uploadPacer != nil {
            for slice in uploadPacer!.schedule(framed, now: MonotonicClock.nanos()) { up.send(slice.bytes, notBefore: slice.at) }
        } else {
            up.sendBody(framed)
        }
    }

    func upstreamHead(_ h: HTTPResponseHead, from connection: LoopUpstreamConnection) {
        guard let f = exchange else { return }
        if h.status == 101 {
            exchange = nil
            return deliver(pipeline.complete(f, .success(UpstreamResponse(head: h, body: BufferedBody.empty()))))
        }
        answerHead = h
        answerBody = []
        if let limit = pipeline.wholeResponseBodyLimit(f, head: h) {
            answerLimit = limit
        } else {
            streamAnswer(prefix: [])
        }
    }

    func upstreamBody(_ piece: ArraySlice<UInt8>) {
        if state == .tunnel { return tunnelFromUpstream(piece) }
        if answerStreaming {
            writeBody(piece)
            if isCongested { upstream?.pauseReading() }
            return
        }
        answerBody.append(contentsOf: piece)
        if let limit = answerLimit, answerBody.count > limit { streamAnswer(prefix: answerBody) }
    }

    func upstreamEnd() {
        if state == .tunnel { return closeAfterFlush() }
        upstream = nil
        if answerStreaming {
            answerStreaming = false
            return endResponse()
        }
        guard let f = exchange, let h = answerHead else { return }
        exchange = nil
        answerHead = nil
        let body = answerBody
        answerBody = []
        deliver(pipeline.complete(f, .success(UpstreamResponse(head: h, body: BufferedBody(body)))))
    }

    func upstreamFailed(_ error: UpstreamError) {
        upstream = nil
        if state == .tunnel { return close() }
        if answerStreaming {
            // The status is already out: the only honest signal left is a cut connection.
            answerStreaming = false
            responseError = "\(error)"
            return close()
        }
        guard let f = exchange else { return }
        exchange = nil
        answerHead = nil
        deliver(pipeline.complete(f, .failure(error)))
    }

    func upstreamDrained() {
        if state == .tunnel || isStreamingRequest { resumeReading() }
    }

    /// The answer is too big or open-ended to hold: the pipeline decides its head, then the
    /// rest flows from the upstream to the client as it comes.
    func streamAnswer(prefix: [UInt8]) {
        guard let f = exchange, let h = answerHead else { return }
        exchange = nil
        answerHead = nil
        answerBody = []
        answerLimit = nil
        let length = h.headers["transfer-encoding"] == nil ? h.headers["content-length"].flatMap(Int.init) : nil
        answerStreaming = true
        deliver(pipeline.complete(f, .success(UpstreamResponse(head: h, body: StreamedBody(prefix: prefix, knownLength: length, limit: 0)))))
    }
}
