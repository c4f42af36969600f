/// What a parser produces, in order: one head, body pieces, then the end with trailers.
public enum HTTPPart<Head: Sendable>: Sendable {
    /// The start line and headers.
    case head(Head)
    /// A piece of the body (already de-chunked).
    case body(ArraySlice<UInt8>)
    /// The end of the message, with the chunked trailers if any.
    case end(trailers: HTTPHeaders)
}

/// How a message's body is delimited on the wire.
public enum HTTPBodyFraming: Sendable, Equatable {
    /// No body.
    case none
    /// Exactly this many bytes.
    case length(Int)
    /// `Transfer-Encoding: chunked`.
    case chunked
    /// Until the peer closes the connection (responses only).
    case untilClose
}
