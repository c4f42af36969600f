import RelayCore

/// A body an event loop carries piece by piece between the two sides (too big to hold, or
/// open-ended): the pipeline passes it on but cannot read it, so reading fails as a body
/// over the limit does. `prefix` is what was read before the loop decided to stream.
final class StreamedBody: BodySource, @unchecked Sendable {
    // Immutable.
    let prefix: [UInt8]
    let knownLength: Int?
    private let limit: Int

    init(prefix: [UInt8], knownLength: Int?, limit: Int) {
        self.prefix = prefix
        self.knownLength = knownLength
        self.limit = limit
    }

    func read() throws -> ArraySlice<UInt8>? { throw BodyTooLarge(limit: limit) }
}

/// Changes or watches a streamed body in line, piece by piece, on the loop that carries it
/// (the event-stream trace, push faults on an event stream or a WebSocket).
protocol BodyTransform: AnyObject, Sendable {
    /// What to send for `piece`: segments, each after a delay in milliseconds counted from
    /// the one before; `end` cuts the stream after them.
    func transform(_ piece: ArraySlice<UInt8>) -> (segments: [(delayMs: Int, bytes: [UInt8])], end: Bool)
}
