/// One exchange as the recording keeps it: the UPSTREAM side — the request as sent to the
/// server (origin index and origin-form target) and the server's answer before any session
/// rewriting or fault — so that replay can stand exactly where the server stood.
public struct RecordedExchange: Sendable, Equatable {
    public var seq: Int
    /// Milliseconds since recording started (monotonic).
    public var tMs: Int
    public var durationMs: Int
    public var kind: EndpointKind
    /// The server it went to.
    public var origin: Origin
    public var request: HTTPRequestHead
    public var requestBody: [UInt8]?
    public var response: HTTPResponseHead
    public var responseBody: [UInt8]?

    public init(seq: Int, tMs: Int, durationMs: Int, kind: EndpointKind, origin: Origin, request: HTTPRequestHead,
                requestBody: [UInt8]?, response: HTTPResponseHead, responseBody: [UInt8]?) {
        self.seq = seq
        self.tMs = tMs
        self.durationMs = durationMs
        self.kind = kind
        self.origin = origin
        self.request = request
        self.requestBody = requestBody
        self.response = response
        self.responseBody = responseBody
    }
}

/// The first line of a recording.
public struct RecordingHeader: Sendable, Equatable {
    public var version: Int
    public var created: String
    public var upstream: String
    /// Origins by index; 0 is the primary upstream.
    public var origins: [Origin]
    public var relay: String

    public init(created: String, upstream: String, origins: [Origin], relay: String, version: Int = 1) {
        self.version = version
        self.created = created
        self.upstream = upstream
        self.origins = origins
        self.relay = relay
    }
}

/// A loaded recording.
public struct Recording: Sendable {
    public var header: RecordingHeader
    public var exchanges: [RecordedExchange]
    /// Lines of other kinds (push events …), kept as JSON.
    public var otherLines: [JSONValue]
    /// A warning for a dropped incomplete last line, if any.
    public var warnings: [String]

    public init(header: RecordingHeader, exchanges: [RecordedExchange], otherLines: [JSONValue] = [], warnings: [String] = []) {
        self.header = header
        self.exchanges = exchanges
        self.otherLines = otherLines
        self.warnings = warnings
    }
}

/// A recording that cannot be loaded: which line and what is wrong.
public struct RecordingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public init(line: Int, _ message: String) {
        self.line = line
        self.message = message
    }
    public var description: String { "line \(line): \(message)" }
}
