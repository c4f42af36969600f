/// One line of a recording as the reader hands it out.
public enum RecordingLine: Sendable {
    /// The first line: where and when the recording was made.
    case header(RecordingHeader)
    /// One HTTP exchange.
    case exchange(RecordedExchange)
    /// Any other line (push events, WebSocket pairs …), kept as JSON.
    case other(JSONValue)
}
