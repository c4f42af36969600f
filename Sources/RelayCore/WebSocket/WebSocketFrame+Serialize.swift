extension WebSocketFrame {
    /// The frame's wire bytes, using the shortest length form and masking with `maskKey` if set.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }

    /// Appends the frame's wire bytes to `out`.
    public func write(into out: inout [UInt8]) {
        var b0 = opcode.rawValue
        if fin { b0 |= 0x80 }
        if rsv1 { b0 |= 0x40 }
        if rsv2 { b0 |= 0x20 }
        if rsv3 { b0 |= 0x10 }
        out.append(b0)
        let maskBit: UInt8 = maskKey == nil ? 0 : 0x80
        let n = payload.count
        if n < 126 {
            out.append(maskBit | UInt8(n))
        } else if n <= 0xFFFF {
            out.append(maskBit | 126)
            out.append(UInt8(n >> 8))
            out.append(UInt8(n & 0xFF))
        } else {
            out.append(maskBit | 127)
            for i in (0..<8).reversed() { out.append(UInt8((UInt64(n) >> (UInt64(i) * 8)) & 0xFF)) }
        }
        if let key = maskKey {
            out.append(contentsOf: key)
            var masked = payload
            WebSocketFrame.applyMask(key, to: &masked)
            out.append(contentsOf: masked)
        } else {
            out.append(contentsOf: payload)
        }
    }
}
