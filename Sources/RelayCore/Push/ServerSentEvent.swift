/// One Server-Sent Event (the `text/event-stream` format of the WHATWG HTML standard, which
/// RFC 8620 §7.3 uses for JMAP push).
public struct ServerSentEvent: Sendable, Equatable {
    /// The `event` field; nil means the default type, `message`.
    public var event: String?
    /// The `data` lines joined with `\n`.
    public var data: String
    /// The `id` field, when this event carried one.
    public var id: String?
    /// The `retry` field in milliseconds, when this event carried one.
    public var retry: Int?

    public init(event: String? = nil, data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }

    /// The event's type as a listener sees it.
    public var type: String { event ?? "message" }

    /// The event's wire form, ending with the blank line that dispatches it.
    public func serialized() -> [UInt8] {
        var s = ""
        if let id { s += "id: \(id)\n" }
        if let event { s += "event: \(event)\n" }
        if let retry { s += "retry: \(retry)\n" }
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) { s += "data: \(line)\n" }
        s += "\n"
        return Array(s.utf8)
    }
}
