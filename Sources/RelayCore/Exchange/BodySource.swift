/// A body that is read piece by piece, so that a large upload or download never sits whole in
/// memory: the reader pulls the next piece when it is ready for it (that is the backpressure).
public protocol BodySource: AnyObject, Sendable {
    /// Length in bytes when known up front (`Content-Length`), nil when it is streamed.
    var knownLength: Int? { get }
    /// The next piece of the body, or nil at the end. Throws when the peer fails mid-body.
    func read() throws -> ArraySlice<UInt8>?
}

extension BodySource {
    /// Reads everything that is left, failing with `BodyTooLarge` past `limit` bytes.
    /// The whole body when it is in memory and nothing of it was read yet, without reading
    /// it: the same source can still be sent, or sent again. Nil for any other body.
    public var unreadContents: [UInt8]? { (self as? BufferedBody)?.unread }

    public func readAll(limit: Int = .max) throws -> [UInt8] {
        // A body already in memory is handed over whole, not copied piece by piece.
        if let b = self as? BufferedBody {
            if let n = b.knownLength, n > limit { throw BodyTooLarge(limit: limit) }
            return b.takeAll()
        }
        var out: [UInt8] = []
        if let n = knownLength {
            if n > limit { throw BodyTooLarge(limit: limit) }
            out.reserveCapacity(n)
        }
        while let piece = try read() {
            if out.count + piece.count > limit { throw BodyTooLarge(limit: limit) }
            out.append(contentsOf: piece)
        }
        return out
    }
}

/// A body over the limit the relay buffers for reading it.
public struct BodyTooLarge: Error, Sendable, CustomStringConvertible {
    public var limit: Int
    public init(limit: Int) { self.limit = limit }
    public var description: String { "body is larger than \(limit) bytes" }
}

/// A body already in memory.
public final class BufferedBody: BodySource, @unchecked Sendable {
    // Owned by the one thread that reads it.
    private let all: [UInt8]
    private var bytes: [UInt8]?
    public let knownLength: Int?

    public init(_ bytes: [UInt8]) {
        self.all = bytes
        self.bytes = bytes
        self.knownLength = bytes.count
    }

    /// Makes the body readable again from the start (to retry a request).
    public func rewind() { bytes = all }

    /// The whole body.
    public var contents: [UInt8] { all }

    /// The whole body while none of it was read, else nil.
    public var unread: [UInt8]? { bytes }

    public convenience init(_ text: String) { self.init(Array(text.utf8)) }

    /// An empty body.
    public static func empty() -> BufferedBody { BufferedBody([]) }

    /// What is left to read (the whole body, or nothing once read), without a copy.
    public func takeAll() -> [UInt8] {
        guard let b = bytes else { return [] }
        bytes = nil
        return b
    }

    public func read() throws -> ArraySlice<UInt8>? {
        guard let b = bytes else { return nil }
        bytes = nil
        return b.isEmpty ? nil : b[...]
    }
}
