import RelayCore

/// Lint while the relay runs (`--lint`): each finished exchange goes through the pure
/// `Linter`, in completion order, and its findings become notes under the exchange's trace
/// line. Never changes the traffic.
final class LiveLinter: Sendable {
    private let linter: Locked<Linter>

    init(ignoring: Set<String>) {
        linter = Locked(Linter(ignoring: ignoring))
    }

    /// Findings for one exchange, as trace notes: `lint warning retry-without-backoff (RFC 8620 §3.1): …`.
    func notes(for exchange: RecordedExchange) -> [String] {
        Self.notes(linter.withLock { $0.check(exchange) })
    }

    /// Findings for a text message the client sent on the WebSocket of exchange `seq`.
    func notes(forWebSocketClientMessage bytes: [UInt8], seq: Int) -> [String] {
        guard let message = try? JSONParser.parse(bytes) else { return [] }
        return Self.notes(linter.withLock { $0.check(webSocketClientMessage: message, seq: seq) })
    }

    private static func notes(_ findings: [LintFinding]) -> [String] {
        findings.map { f in
            "lint \(f.level.rawValue) \(f.ruleId) (\(f.section))" + (f.callId.map { " call \($0)" } ?? "") + ": \(f.message)"
        }
    }
}
