/// An incremental WebSocket frame parser: feed byte chunks of any size, take whole frames out.
/// It checks framing only (RFC 6455 §5.2, §5.5); fragmentation is the assembler's business.
/// After an error the parser stays failed: the stream cannot be resynchronised.
public struct WebSocketFrameParser: Sendable {
    /// Largest payload accepted in one frame.
    public let maxFrameBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var failure: WebSocketError?

    public init(maxFrameBytes: Int = 16 << 20) { self.maxFrameBytes = maxFrameBytes }

    /// Bytes received but not yet part of a returned frame.
    public var bufferedCount: Int { buffer.count - start }

    /// Adds received bytes.
    public mutating func append<C: Collection<UInt8>>(_ bytes: C) {
        if start > 0, start * 2 >= buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole frame, nil when more bytes are needed.
    public mutating func next() throws(WebSocketError) -> WebSocketFrame? {
        if let failure { throw failure }
        do {
            return try parse()
        } catch {
            failure = error
            throw error
        }
    }

    /// Every whole frame now available.
    public mutating func frames() throws(WebSocketError) -> [WebSocketFrame] {
        var out: [WebSocketFrame] = []
        while let f = try next() { out.append(f) }
        return out
    }

    private mutating func parse() throws(WebSocketError) -> WebSocketFrame? {
        let avail = buffer.count - start
        guard avail >= 2 else { return nil }
        let b0 = buffer[start]
        let b1 = buffer[start + 1]
        guard let opcode = WebSocketFrame.Opcode(rawValue: b0 & 0x0F) else { throw .reservedOpcode(b0 & 0x0F) }
        let fin = b0 & 0x80 != 0
        let masked = b1 & 0x80 != 0
        let len7 = Int(b1 & 0x7F)
        if opcode.isControl {
            if len7 > 125 { throw .controlFrameTooLong(len7) }
            if !fin { throw .fragmentedControlFrame }
        }
        var offset = 2
        var length = UInt64(len7)
        if len7 == 126 {
            guard avail >= 4 else { return nil }
            length = UInt64(buffer[start + 2]) << 8 | UInt64(buffer[start + 3])
            offset = 4
        } else if len7 == 127 {
            guard avail >= 10 else { return nil }
            length = 0
            for i in 0..<8 { length = length << 8 | UInt64(buffer[start + 2 + i]) }
            if length >> 63 != 0 { throw .invalidLength }
            offset = 10
        }
        if length > UInt64(maxFrameBytes) { throw .frameTooLarge(length: length, limit: maxFrameBytes) }
        var key: [UInt8]?
        if masked {
            guard avail >= offset + 4 else { return nil }
            key = Array(buffer[(start + offset)..<(start + offset + 4)])
            offset += 4
        }
        let n = Int(length)
        guard avail >= offset + n else { return nil }
        var payload = Array(buffer[(start + offset)..<(start + offset + n)])
        if let key { WebSocketFrame.applyMask(key, to: &payload) }
        start += offset + n
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        return WebSocketFrame(
            fin: fin, rsv1: b0 & 0x40 != 0, rsv2: b0 & 0x20 != 0, rsv3: b0 & 0x10 != 0, opcode: opcode,
            maskKey: key, payload: payload)
    }
}
