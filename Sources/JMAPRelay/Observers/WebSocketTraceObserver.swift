import RelayCore

/// Reads the WebSocket frames crossing a tunnel, in both directions, and traces the JMAP inside
/// (RFC 8887): requests, their responses, push enable/disable, state changes, closes. It only
/// reads: the tunnel forwards the bytes as they came, right after this has looked at them. When a direction stops making sense
/// (a framing error, a compressed frame) that direction is traced no further.
final class WebSocketTraceObserver: TunnelObserver {
    /// One direction's decoding state.
    private struct Watch {
        var parser = WebSocketFrameParser()
        var assembler = WebSocketMessageAssembler()
        var stopped = false
    }

    private let tracer: Locked<JMAPWebSocketTracer>
    private let toUpstream = Locked(Watch())
    private let toClient = Locked(Watch())
    private let emit: @Sendable (PushTraceRecord) -> Void
    private let startNanos: UInt64
    private let recorder: RecordingFile?
    private let recordingStart: UInt64
    private let pairer = Locked(WebSocketMessagePairer())
    private let linter: LiveLinter?
    private let seq: Int

    /// - Parameters:
    ///   - seq: the number of the upgrade exchange, repeated on each line.
    ///   - recorder: where request/response pairs and StateChanges are recorded, if anywhere.
    ///   - recordingStart: the instant `t_ms` counts from.
    ///   - linter: with `--lint`, what adds findings about the client's messages to their lines.
    ///   - emit: where trace records go.
    init(seq: Int, recorder: RecordingFile? = nil, recordingStart: UInt64 = 0, linter: LiveLinter? = nil,
         emit: @escaping @Sendable (PushTraceRecord) -> Void) {
        tracer = Locked(JMAPWebSocketTracer(seq: seq))
        self.seq = seq
        self.linter = linter
        self.emit = emit
        self.recorder = recorder
        self.recordingStart = recordingStart
        startNanos = MonotonicClock.nanos()
    }

    func clientSent(_ bytes: ArraySlice<UInt8>) { observe(bytes, direction: .toUpstream, watch: toUpstream) }

    func upstreamSent(_ bytes: ArraySlice<UInt8>) { observe(bytes, direction: .toClient, watch: toClient) }

    private func observe(_ bytes: ArraySlice<UInt8>, direction: PushTraceRecord.Direction, watch: Locked<Watch>) {
        var outputs: [WebSocketMessageAssembler.Output] = []
        let failure: String? = watch.withLock { w -> String? in
            guard !w.stopped else { return nil }
            w.parser.append(bytes)
            do {
                while let frame = try w.parser.next() {
                    if frame.rsv1 {
                        w.stopped = true
                        return "a compressed frame (an extension the relay did not offer was used)"
                    }
                    if let out = try w.assembler.push(frame) { outputs.append(out) }
                }
            } catch {
                w.stopped = true
                return "\(error)"
            }
            return nil
        }
        let atMs = MonotonicClock.ms(from: startNanos)
        for out in outputs {
            if var r = tracer.withLock({ $0.record(out, direction: direction, atMs: atMs) }) {
                if let linter, direction == .toUpstream, case .message(.text, let bytes) = out {
                    r.problems += linter.notes(forWebSocketClientMessage: bytes, seq: seq)
                }
                emit(r)
            }
            if let recorder, case .message(.text, let bytes) = out { record(bytes, direction: direction, into: recorder) }
        }
        if let failure { emit(tracer.withLock { $0.unreadable(failure, direction: direction) }) }
    }

    private func record(_ bytes: [UInt8], direction: PushTraceRecord.Direction, into recorder: RecordingFile) {
        guard let out = pairer.withLock({ $0.message(bytes, fromClient: direction == .toUpstream) }) else { return }
        let tMs = Int(MonotonicClock.ms(from: recordingStart))
        switch out {
        case .pair(let request, let response):
            recorder.appendWebSocketPair(RecordedWebSocketPair(tMs: tMs, request: request, response: response))
        case .stateChange(let change):
            recorder.appendPush(RecordedPush(tMs: tMs, transport: .webSocket, event: change))
        }
    }
}
