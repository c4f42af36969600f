import Dispatch
import JMAPRelay

/// A client's webhook endpoint for tests (RFC 8620 §7.2): a `FakeUpstream` that answers every
/// POST with 200 and keeps what it received, so a test can wait for a push to arrive.
public final class FakeWebhookReceiver: Sendable {
    /// One push as it arrived.
    public struct Push: Sendable {
        public var head: HTTPRequestHead
        public var body: [UInt8]
        public var json: JSONValue? { try? JSONParser.parse(body) }
    }

    private final class Store: Sendable {
        let pushes = Locked<[Push]>([])
        let arrived = DispatchSemaphore(value: 0)
    }

    private let server: FakeUpstream
    private let store = Store()

    public init() throws {
        let store = self.store
        server = try FakeUpstream { head, body in
            store.pushes.withLock { $0.append(Push(head: head, body: body)) }
            store.arrived.signal()
            return .respond(status: 200, headers: ["Content-Length": "0"], body: [])
        }
    }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { server.baseURL }

    /// The pushes received so far.
    public var pushes: [Push] { store.pushes.withLock { $0 } }

    /// Waits (at most 10 s in all) until `n` pushes have arrived; returns them.
    public func wait(for n: Int) -> [Push] {
        let deadline = DispatchTime.now() + 10
        while pushes.count < n, store.arrived.wait(timeout: deadline) == .success {}
        return pushes
    }

    public func stop() { server.stop() }
}

extension FakeUpstream {
    /// POSTs a push to an `http://127.0.0.1:PORT/…` URL, as a JMAP server does to a
    /// PushSubscription's `url`; returns the status.
    public static func postPush(to url: String, headers: HTTPHeaders = ["Content-Type": "application/json"], body: [UInt8]) throws -> Int {
        guard let (origin, target) = PushSubscriptionURLs.originAndTarget(url) else { return 0 }
        let c = try RawHTTPClient(port: origin.port)
        defer { c.close() }
        return try c.request("POST", target, headers: headers, body: body).head.status
    }
}
