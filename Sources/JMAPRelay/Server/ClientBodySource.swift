import RelayCore

/// The body of a client's request, read from its connection on demand: nothing is read until
/// the pipeline asks, so a slow upstream slows the client down (backpressure). The first read
/// answers `Expect: 100-continue`.
final class ClientBodySource: BodySource, @unchecked Sendable {
    // Owned by the connection's thread.
    private let connection: ClientConnection
    private var finished: Bool
    private var continueSent: Bool
    private(set) var failure: Error?
    let knownLength: Int?

    init(connection: ClientConnection, head: HTTPRequestHead, framing: HTTPBodyFraming) {
        self.connection = connection
        switch framing {
        case .none:
            finished = true
            knownLength = 0
        case .length(let n):
            finished = false
            knownLength = n
        default:
            finished = false
            knownLength = nil
        }
        continueSent = !(head.headers["expect"]?.lowercased() == "100-continue" && head.version == .http11)
    }

    func read() throws -> ArraySlice<UInt8>? {
        if finished {
            // The parser still owes the `.end` of a bodiless request.
            return nil
        }
        if !continueSent {
            continueSent = true
            try connection.sendContinue()
        }
        do {
            while let part = try connection.nextBodyPart() {
                switch part {
                case .body(let b): if !b.isEmpty { return b }
                case .end:
                    finished = true
                    return nil
                case .head: continue
                }
            }
            finished = true
            return nil
        } catch {
            failure = error
            finished = true
            throw error
        }
    }

    /// Reads and discards what the pipeline left unread, so the next request can be parsed;
    /// false when more than `limit` bytes remain (then the connection is closed instead).
    func drain(limit: Int) -> Bool {
        // A pending `.end` of a bodiless request is skipped by the next head read.
        if finished { return failure == nil }
        if !continueSent { return false }
        var seen = 0
        while !finished {
            guard let piece = try? read() else { return finished && failure == nil }
            seen += piece.count
            if seen > limit { return false }
        }
        return failure == nil
    }
}
