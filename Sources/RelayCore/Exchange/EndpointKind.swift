/// What a request is for, as far as JMAP goes; decided from the session's URLs.
public enum EndpointKind: String, Sendable, Codable, CaseIterable {
    /// `/.well-known/jmap` or the session URL it redirects to.
    case session
    /// The session's `apiUrl`.
    case api
    /// The session's `uploadUrl`.
    case upload
    /// The session's `downloadUrl`.
    case download
    /// The session's `eventSourceUrl`.
    case eventSource = "eventsource"
    /// The WebSocket capability's `url` (RFC 8887).
    case webSocket = "websocket"
    /// The relay's push callback endpoint (webhooks).
    case pushCallback = "push-callback"
    /// Anything else on an upstream origin.
    case other
}
