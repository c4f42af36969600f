import RelayCore

/// Reads a body into memory up to a limit without losing it when the limit is passed: the
/// bytes already read are replayed in front of the rest, which keeps streaming.
enum BodyBuffer {
    struct Result {
        /// The whole body, when it fitted.
        var complete: [UInt8]?
        /// A source that yields the whole body, read or not.
        var source: any BodySource
    }

    static func read(_ body: any BodySource, limit: Int) -> Result {
        // Carried by the loop past the pipeline: there is nothing to read here.
        if body is StreamedBody || body is PushedBody { return Result(complete: nil, source: body) }
        // Already in memory (the event loop's bodies): handed over, not copied.
        if let whole = body.unreadContents, whole.count <= limit { return Result(complete: whole, source: body) }
        var bytes: [UInt8] = []
        if let n = body.knownLength, n <= limit { bytes.reserveCapacity(n) }
        do {
            while let piece = try body.read() {
                bytes.append(contentsOf: piece)
                if bytes.count > limit {
                    return Result(complete: nil, source: PrefixedBody(prefix: bytes, rest: body))
                }
            }
        } catch {
            return Result(complete: nil, source: PrefixedBody(prefix: bytes, rest: FailingBody(error: error)))
        }
        return Result(complete: bytes, source: BufferedBody(bytes))
    }
}

/// Bytes already read, then the rest of a body.
final class PrefixedBody: BodySource, @unchecked Sendable {
    // Owned by the thread that reads it.
    private var prefix: [UInt8]?
    private let rest: any BodySource
    let knownLength: Int?

    init(prefix: [UInt8], rest: any BodySource) {
        self.prefix = prefix
        self.rest = rest
        self.knownLength = rest.knownLength
    }

    func read() throws -> ArraySlice<UInt8>? {
        if let p = prefix {
            prefix = nil
            if !p.isEmpty { return p[...] }
        }
        return try rest.read()
    }
}

/// A body whose next read fails (the upstream broke while the relay was buffering).
final class FailingBody: BodySource, @unchecked Sendable {
    let error: any Error
    let knownLength: Int? = nil
    init(error: any Error) { self.error = error }
    func read() throws -> ArraySlice<UInt8>? { throw error }
}
