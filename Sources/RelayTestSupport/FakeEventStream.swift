import Dispatch
import JMAPRelay

/// The events a `FakeUpstream` streams at `/jmap/eventsource/`, sent when the test says so:
/// a test can check the client received one event before the next one exists.
public final class FakeEventStream: Sendable {
    private let queue = Locked<[[UInt8]?]>([])
    private let ready = DispatchSemaphore(value: 0)
    /// Headers added to the stream's response (e.g. a false `Content-Encoding: gzip`, as Cyrus sends).
    public let extraHeaders: HTTPHeaders

    public init(extraHeaders: HTTPHeaders = [:]) { self.extraHeaders = extraHeaders }

    /// Queues one event for the stream.
    public func send(_ event: ServerSentEvent) { push(event.serialized()) }

    /// Ends the stream.
    public func end() { push(nil) }

    private func push(_ piece: [UInt8]?) {
        queue.withLock { $0.append(piece) }
        ready.signal()
    }

    /// The next piece to write; nil at the end, or after 10 s with nothing sent (a failing
    /// test does not leave the server's thread waiting forever).
    func next() -> [UInt8]? {
        guard ready.wait(timeout: .now() + 10) == .success else { return nil }
        return queue.withLock { $0.removeFirst() }
    }
}
