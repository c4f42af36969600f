/// Joins fragmented frames into messages (RFC 6455 §5.4): a text or binary frame starts a
/// message, continuation frames extend it, control frames may come in between and pass on
/// at once.
public struct WebSocketMessageAssembler: Sendable {
    /// What came out of a frame.
    public enum Output: Sendable, Equatable {
        /// A whole text or binary message.
        case message(WebSocketFrame.Opcode, [UInt8])
        /// A close, ping or pong frame.
        case control(WebSocketFrame)
    }

    /// Largest message accepted.
    public let maxMessageBytes: Int
    private var opcode: WebSocketFrame.Opcode?
    private var pieces: [UInt8] = []

    public init(maxMessageBytes: Int = 16 << 20) { self.maxMessageBytes = maxMessageBytes }

    /// Whether a fragmented message is open.
    public var inMessage: Bool { opcode != nil }

    /// Takes one frame; returns a message once its last fragment arrived, a control frame at
    /// once, nil for a fragment that does not end its message.
    public mutating func push(_ frame: WebSocketFrame) throws(WebSocketError) -> Output? {
        if frame.opcode.isControl {
            if frame.opcode == .close, frame.payload.count == 1 { throw .invalidClosePayload }
            return .control(frame)
        }
        if frame.opcode == .continuation {
            guard let open = opcode else { throw .unexpectedContinuation }
            try add(frame.payload)
            guard frame.fin else { return nil }
            defer { reset() }
            return .message(open, pieces)
        }
        if opcode != nil { throw .expectedContinuation }
        if frame.fin {
            if frame.payload.count > maxMessageBytes { throw .messageTooLarge(limit: maxMessageBytes) }
            return .message(frame.opcode, frame.payload)
        }
        opcode = frame.opcode
        try add(frame.payload)
        return nil
    }

    private mutating func add(_ bytes: [UInt8]) throws(WebSocketError) {
        if pieces.count + bytes.count > maxMessageBytes { throw .messageTooLarge(limit: maxMessageBytes) }
        pieces.append(contentsOf: bytes)
    }

    private mutating func reset() {
        opcode = nil
        pieces = []
    }
}
