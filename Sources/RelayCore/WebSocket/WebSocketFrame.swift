/// One WebSocket frame (RFC 6455 §5.2) as it is on the wire: the payload is kept unmasked and
/// the mask key, when the sender used one, is kept so the frame serialises to the same bytes.
public struct WebSocketFrame: Sendable, Equatable {
    /// What a frame carries (RFC 6455 §5.2, §11.8).
    public enum Opcode: UInt8, Sendable, Equatable {
        /// A later fragment of a message.
        case continuation = 0x0
        /// UTF-8 text (the first or only fragment).
        case text = 0x1
        /// Binary data (the first or only fragment).
        case binary = 0x2
        /// Closing handshake.
        case close = 0x8
        /// Keep-alive request.
        case ping = 0x9
        /// Keep-alive answer.
        case pong = 0xA

        /// Close, ping and pong: at most 125 bytes, never fragmented.
        public var isControl: Bool { rawValue & 0x8 != 0 }
    }

    public var fin: Bool
    public var rsv1: Bool
    public var rsv2: Bool
    public var rsv3: Bool
    public var opcode: Opcode
    /// The mask key a client used; nil for an unmasked (server) frame.
    public var maskKey: [UInt8]?
    /// The payload, unmasked.
    public var payload: [UInt8]

    public init(
        fin: Bool = true, rsv1: Bool = false, rsv2: Bool = false, rsv3: Bool = false, opcode: Opcode,
        maskKey: [UInt8]? = nil, payload: [UInt8]
    ) {
        self.fin = fin
        self.rsv1 = rsv1
        self.rsv2 = rsv2
        self.rsv3 = rsv3
        self.opcode = opcode
        self.maskKey = maskKey
        self.payload = payload
    }

    /// A text frame.
    public static func text(_ s: String, fin: Bool = true, maskKey: [UInt8]? = nil) -> WebSocketFrame {
        WebSocketFrame(fin: fin, opcode: .text, maskKey: maskKey, payload: Array(s.utf8))
    }

    /// A close frame with a status code and reason (RFC 6455 §5.5.1).
    public static func close(code: UInt16, reason: String = "", maskKey: [UInt8]? = nil) -> WebSocketFrame {
        WebSocketFrame(opcode: .close, maskKey: maskKey, payload: [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8))
    }

    /// A close frame's status code, when it has one.
    public var closeCode: UInt16? {
        guard opcode == .close, payload.count >= 2 else { return nil }
        return UInt16(payload[0]) << 8 | UInt16(payload[1])
    }

    /// A close frame's reason text (after the code).
    public var closeReason: String {
        guard opcode == .close, payload.count > 2 else { return "" }
        return String(decoding: payload[2...], as: UTF8.self)
    }

    /// XORs `bytes` with a 4-byte key, starting at key position `offset` (RFC 6455 §5.3).
    public static func applyMask(_ key: [UInt8], to bytes: inout [UInt8], offset: Int = 0) {
        guard key.count == 4 else { return }
        for i in bytes.indices { bytes[i] ^= key[(i - bytes.startIndex + offset) & 3] }
    }
}
