extension Recording {
    /// The `push` lines, in file order.
    public var pushes: [RecordedPush] { otherLines.compactMap { $0.objectValue.flatMap(RecordedPush.init(json:)) } }

    /// The `ws` lines, in file order.
    public var webSocketPairs: [RecordedWebSocketPair] {
        otherLines.compactMap { $0.objectValue.flatMap(RecordedWebSocketPair.init(json:)) }
    }
}

extension RecordingCodec {
    /// A `push` or `ws` line (with its newline); keys sorted, message objects in their own order.
    public static func line(_ v: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        writeEnvelope(v, to: &out)
        out.append(0x0A)
        return out
    }
}

extension Redactor {
    /// A push message with credential headers masked and its JSON redacted like a body.
    public mutating func redact(_ p: RecordedPush) -> RecordedPush {
        var p = p
        p.headers = Self.redactHeaders(p.headers)
        p.event = redactJSON(p.event)
        return p
    }

    /// A WebSocket pair with both messages redacted like bodies.
    public mutating func redact(_ p: RecordedWebSocketPair) -> RecordedWebSocketPair {
        var p = p
        p.request = redactJSON(p.request) ?? p.request
        p.response = redactJSON(p.response) ?? p.response
        return p
    }

    private mutating func redactJSON(_ v: JSONValue?) -> JSONValue? {
        guard let v, !paths.isEmpty || pseudonymize else { return v }
        return redactBody(v.serialized()).flatMap { try? JSONParser.parse($0) } ?? v
    }
}
