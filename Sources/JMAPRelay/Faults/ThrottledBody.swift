import RelayCore

/// A request body relayed at a fixed byte rate (the `bandwidth` fault, upload direction).
final class ThrottledBody: BodySource, @unchecked Sendable {
    // Read by the one thread that sends the request upstream.
    private let inner: any BodySource
    private let throttle: Throttle
    private var pending: ArraySlice<UInt8> = []
    private var sent = 0

    init(_ inner: any BodySource, bytesPerSecond: Int) {
        self.inner = inner
        self.throttle = Throttle(bytesPerSecond: bytesPerSecond)
    }

    var knownLength: Int? { inner.knownLength }

    func read() throws -> ArraySlice<UInt8>? {
        if pending.isEmpty {
            guard let next = try inner.read() else { return nil }
            pending = next
        }
        let piece = pending.prefix(throttle.sliceSize)
        pending = pending.dropFirst(piece.count)
        throttle.pace(sent: sent)
        sent += piece.count
        return piece
    }
}
