import Dispatch
import Foundation
import JMAPRelay
import RelayTestSupport

/// A relay on port 0 in front of an upstream, with its trace lines captured.
final class RelayHarness: Sendable {
    let relay: Relay
    private let lines = Lines()
    private let logs = Lines()
    private let finished = DispatchSemaphore(value: 0)
    private let waited = Locked(0)

    init(upstream: String, trace: RelayConfiguration.TraceMode = .text, configure: (inout RelayConfiguration) -> Void = { _ in },
         upstreamOverride: (any Upstream)? = nil) throws {
        var c = RelayConfiguration(upstream: upstream, listenPort: 0)
        c.trace = trace
        let lines = self.lines
        let logs = self.logs
        c.traceSink = { line in lines.append(line) }
        c.logSink = { line in logs.append(line) }
        c.drainTimeout = .seconds(2)
        configure(&c)
        relay = try Relay(configuration: c, upstream: upstreamOverride)
        let finished = self.finished
        relay.onExchange { _ in finished.signal() }
        try relay.start()
    }

    var port: Int { relay.port }
    var traceLines: [String] { lines.all }
    var logLines: [String] { logs.all }

    func client() throws -> RawHTTPClient { try RawHTTPClient(port: port) }

    /// Waits (at most 10 s) until `n` exchanges have completed in total; an exchange
    /// completes after its reply was written, so a client can see the answer first.
    func waitForExchanges(_ n: Int) {
        while waited.withLock({ $0 }) < n {
            guard finished.wait(timeout: .now() + 10) == .success else { return }
            waited.withLock { $0 += 1 }
        }
    }

    /// Waits (at most 10 s) for a trace line containing `text`; returns it.
    @discardableResult
    func waitForTrace(containing text: String) -> String? { lines.wait { $0.contains(text) } }

    /// Waits (at most 10 s) for a log line containing `text`; returns it.
    @discardableResult
    func waitForLog(containing text: String) -> String? { logs.wait { $0.contains(text) } }

    func stop() { relay.stop() }
}

/// Lines collected from several threads.
final class Lines: Sendable {
    private let m = Locked<[String]>([])
    private let added = DispatchSemaphore(value: 0)
    func append(_ s: String) {
        m.withLock { $0.append(s) }
        added.signal()
    }
    var all: [String] { m.withLock { $0 } }

    /// The first line matching `predicate`, waiting for new lines for at most 10 s in all.
    func wait(for predicate: (String) -> Bool) -> String? {
        let deadline = DispatchTime.now() + 10
        while true {
            if let l = all.first(where: predicate) { return l }
            guard added.wait(timeout: deadline) == .success else { return nil }
        }
    }
}
