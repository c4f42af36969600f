/// An incremental `text/event-stream` parser: feed chunks split anywhere (even inside a CRLF),
/// take events out. Lines end with CRLF, LF or CR; `:` starts a comment; unknown fields are
/// ignored; an event is dispatched at a blank line if it has data (WHATWG HTML §9.2.6).
public struct ServerSentEventParser: Sendable {
    /// Longest line kept; beyond it the line is cut (a stream is not allowed to grow memory).
    public let maxLineBytes: Int
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var sawFirstLine = false
    private var event: String?
    private var data: [String] = []
    private var hasData = false
    private var id: String?
    private var retry: Int?
    /// The last event id seen, kept across events (what `Last-Event-ID` would carry).
    public private(set) var lastEventId: String?
    /// Comment lines seen so far (pings from some servers).
    public private(set) var commentCount = 0

    public init(maxLineBytes: Int = 1 << 20) { self.maxLineBytes = maxLineBytes }

    /// Feeds bytes and returns the events they complete.
    public mutating func feed<C: Collection<UInt8>>(_ bytes: C) -> [ServerSentEvent] {
        var out: [ServerSentEvent] = []
        for b in bytes {
            if b == 0x0A, lastWasCR {
                lastWasCR = false
                continue
            }
            lastWasCR = b == 0x0D
            if b == 0x0A || b == 0x0D {
                if let e = endLine() { out.append(e) }
            } else if line.count < maxLineBytes {
                line.append(b)
            }
        }
        return out
    }

    private mutating func endLine() -> ServerSentEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        var bytes = line[...]
        if !sawFirstLine {
            sawFirstLine = true
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        }
        if bytes.isEmpty { return dispatch() }
        if bytes.first == UInt8(ascii: ":") {
            commentCount += 1
            return nil
        }
        let name: ArraySlice<UInt8>
        var value: ArraySlice<UInt8>
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            name = bytes[..<colon]
            value = bytes[(colon + 1)...]
            if value.first == 0x20 { value = value.dropFirst() }
        } else {
            name = bytes
            value = []
        }
        let text = String(decoding: value, as: UTF8.self)
        switch String(decoding: name, as: UTF8.self) {
        case "event": event = text
        case "data":
            data.append(text)
            hasData = true
        case "id" where !value.contains(0):
            id = text
            lastEventId = text
        case "retry" where !value.isEmpty && value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }):
            retry = Int(text)
        default: break
        }
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer {
            event = nil
            data = []
            hasData = false
            id = nil
            retry = nil
        }
        guard hasData else { return nil }
        return ServerSentEvent(event: event, data: data.joined(separator: "\n"), id: id, retry: retry)
    }
}
