import Foundation
import RelayCore

/// The server end of a WebSocket in a replay (RFC 8887), in place of the upstream's byte
/// stream behind a `101`: the relay's tunnel writes the client's frames into it and reads the
/// answers out. A `Request` is answered from the recording with the JMAP-aware matcher,
/// `WebSocketPushEnable` starts recorded `StateChange`s (filtered by `dataTypes`), ping gets
/// pong and close is echoed.
final class ReplayWebSocket: ByteStream, PushListener, @unchecked Sendable {
    // `parser` and `assembler` are used by the one thread that writes; the rest is guarded
    // by `condition`.
    private let replay: ReplayUpstream
    private let hub: ReplayPushHub
    private var parser = WebSocketFrameParser()
    private var assembler = WebSocketMessageAssembler()
    private let condition = NSCondition()
    private var outgoing: [UInt8] = []
    private var closed = false
    private var push: PushSubscriptionOptions?

    let transport = RecordedPush.Transport.webSocket

    init(replay: ReplayUpstream, hub: ReplayPushHub) {
        self.replay = replay
        self.hub = hub
    }

    /// Bytes from the client.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        parser.append(Array(bytes)[...])
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
            condition.withLock { push = PushSubscriptionOptions(webSocketPushEnable: v ?? .null) }
            hub.add(self)
        case "WebSocketPushDisable":
            condition.withLock { push = nil }
            hub.remove(self)
        default:
            sendJSON(["@type": "RequestError", "requestId": id, "type": "urn:ietf:params:jmap:error:notRequest", "status": 400,
                      "detail": "The replayed server understands Request, WebSocketPushEnable and WebSocketPushDisable."])
        }
    }

    func deliver(_ p: RecordedPush) {
        guard let options = condition.withLock({ push }), let event = p.event, let kept = options.filter(event) else { return }
        send(WebSocketFrame(opcode: .text, payload: kept == event ? p.payload : kept.serialized()))
    }

    private func sendJSON(_ v: JSONValue) { send(WebSocketFrame(opcode: .text, payload: v.serialized())) }

    private func send(_ frame: WebSocketFrame) {
        condition.withLock {
            guard !closed else { return }
            outgoing += frame.serialized()
            condition.signal()
        }
    }

    private func finish() {
        condition.withLock {
            closed = true
            condition.signal()
        }
        hub.remove(self)
    }

    /// Bytes for the client; empty once closed and drained.
    func read(max: Int) throws -> ArraySlice<UInt8> {
        condition.lock()
        defer { condition.unlock() }
        while outgoing.isEmpty, !closed { condition.wait() }
        let n = min(max, outgoing.count)
        let out = outgoing[..<n]
        outgoing.removeFirst(n)
        return out
    }

    func end() {
        send(.close(code: 1001))
        finish()
    }

    func close() { finish() }
}
