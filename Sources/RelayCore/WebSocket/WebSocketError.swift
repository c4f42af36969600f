/// Why a byte stream is not valid WebSocket framing, or a message could not be assembled.
public enum WebSocketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An opcode RFC 6455 reserves (0x3–0x7, 0xB–0xF).
    case reservedOpcode(UInt8)
    /// A control frame with more than 125 payload bytes.
    case controlFrameTooLong(Int)
    /// A control frame without FIN (control frames are never fragmented).
    case fragmentedControlFrame
    /// A frame whose payload exceeds the configured limit.
    case frameTooLarge(length: UInt64, limit: Int)
    /// A 64-bit length with the most significant bit set.
    case invalidLength
    /// A continuation frame with no message in progress.
    case unexpectedContinuation
    /// A new text or binary frame while a fragmented message is still open.
    case expectedContinuation
    /// An assembled message over the configured limit.
    case messageTooLarge(limit: Int)
    /// A close frame with a one-byte payload (a code needs two).
    case invalidClosePayload

    public var description: String {
        switch self {
        case .reservedOpcode(let o): return "reserved opcode 0x\(String(o, radix: 16))"
        case .controlFrameTooLong(let n): return "control frame of \(n) bytes (at most 125)"
        case .fragmentedControlFrame: return "fragmented control frame"
        case .frameTooLarge(let n, let limit): return "frame of \(n) bytes over the limit of \(limit)"
        case .invalidLength: return "64-bit payload length with the high bit set"
        case .unexpectedContinuation: return "continuation frame without a message to continue"
        case .expectedContinuation: return "new data frame inside a fragmented message"
        case .messageTooLarge(let limit): return "message over the limit of \(limit) bytes"
        case .invalidClosePayload: return "close frame with a one-byte payload"
        }
    }
}
