import RelayCore

/// The server end of a WebSocket in a replay (RFC 8887), in place of the upstream behind a
/// `101`: the loop's tunnel gives it the client's frames and it sends the answers back. A `Request` is answered from the recording with the JMAP-aware matcher,
/// `WebSocketPushEnable` starts recorded `StateChange`s (filtered by `dataTypes`), ping gets
/// pong and close is echoed.
final class ReplayWebSocket: TunnelEndpoint, PushListener, @unchecked Sendable {
    // `parser` and `assembler` are used on the loop carrying the tunnel; the rest is
    // guarded by `state`.
    private struct State {
        var output: (@Sendable ([UInt8]?) -> Void)?
        var closed = false
        var push: PushSubscriptionOptions?
    }

    private let replay: ReplayUpstream
    private let hub: ReplayPushHub
    private var parser = WebSocketFrameParser()
    private var assembler = WebSocketMessageAssembler()
    private let state = Locked(State())

    let transport = RecordedPush.Transport.webSocket

    init(replay: ReplayUpstream, hub: ReplayPushHub) {
        self.replay = replay
        self.hub = hub
    }

    func start(output: @escaping @Sendable ([UInt8]?) -> Void) { state.withLock { $0.output = output } }

    /// Bytes from the client.
    func clientSent(_ bytes: ArraySlice<UInt8>) {
        parser.append(bytes)
        do {
            while let frame = try parser.next() {
                guard let out = try assembler.push(frame) else { continue }
                switch out {
                case .message(.text, let payload): handle(payload)
                case .message: break
                case .control(let f) where f.opcode == .ping: send(WebSocketFrame(opcode: .pong, payload: f.payload))
                case .control(let f) where f.opcode == .close:
                    send(.close(code: f.closeCode ?? 1000))
                    finish()
                case .control: break
                }
            }
        } catch {
            send(.close(code: 1002))
            finish()
        }
    }

    private func handle(_ bytes: [UInt8]) {
        let v = try? JSONParser.parse(bytes)
        let id = v?["id"] ?? .null
        switch v?["@type"]?.stringValue {
        case "Request":
            switch replay.answerWebSocket(bytes) {
            case .hit(let response, let seq):
                sendJSON(response)
                hub.served(seq: seq)
            case .miss(let miss):
                var problem = (try? JSONParser.parse(miss.problem.body)) ?? [:]
                problem["@type"] = "RequestError"
                problem["requestId"] = id
                sendJSON(problem)
            }
        case "WebSocketPushEnable":
            state.withLock { $0.push = PushSubscriptionOptions(webSocketPushEnable: v ?? .null) }
            hub.add(self)
        case "WebSocketPushDisable":
            state.withLock { $0.push = nil }
            hub.remove(self)
        default:
            sendJSON(["@type": "RequestError", "requestId": id, "type": "urn:ietf:params:jmap:error:notRequest", "status": 400,
                      "detail": "The replayed server understands Request, WebSocketPushEnable and WebSocketPushDisable."])
        }
    }

    func deliver(_ p: RecordedPush) {
        guard let options = state.withLock({ $0.push }), let event = p.event, let kept = options.filter(event) else { return }
        send(WebSocketFrame(opcode: .text, payload: kept == event ? p.payload : kept.serialized()))
    }

    private func sendJSON(_ v: JSONValue) { send(WebSocketFrame(opcode: .text, payload: v.serialized())) }

    private func send(_ frame: WebSocketFrame) {
        let output = state.withLock { $0.closed ? nil : $0.output }
        output?(frame.serialized())
    }

    private func finish() {
        let output = state.withLock { s -> (@Sendable ([UInt8]?) -> Void)? in
            if s.closed { return nil }
            s.closed = true
            return s.output
        }
        output?(nil)
        hub.remove(self)
    }

    func end() {
        send(.close(code: 1001))
        finish()
    }

    func close() {
        state.withLock { $0.closed = true }
        hub.remove(self)
    }
}
