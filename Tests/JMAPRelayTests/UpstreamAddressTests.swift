@testable import JMAPRelay
import RelayTestSupport
import Testing

/// A name with several addresses: when the first refuses, the loop connects to the next (a
/// `localhost` that resolves to `::1` first, with the server on `127.0.0.1` only).
@Suite struct UpstreamAddressTests {
    @Test func aRefusedAddressFallsBackToTheNext() throws {
        let gone = try FakeUpstream.jmap()
        let closedPort = gone.port
        gone.stop()
        let up = try FakeUpstream.jmap()
        defer { up.stop() }
        let name = "two-addresses.test"
        let addresses = try Socket.addresses(host: "127.0.0.1", port: closedPort) + Socket.addresses(host: "127.0.0.1", port: up.port)
        Socket.resolvedNames.withLock { $0["\(name):\(up.port)"] = (MonotonicClock.nanos(), addresses) }
        let h = try RelayHarness(upstream: "http://\(name):\(up.port)")
        defer { h.stop() }
        let c = try h.client()
        #expect(try c.request("GET", "/jmap/session").head.status == 200)
        #expect(up.requests.count == 1)
    }
}
