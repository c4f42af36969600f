import Foundation
import RelayCore

/// Start-up messages and errors, on stderr (the trace owns stdout). Callers pass request
/// targets and error texts, not headers; a credential that turns up in one anyway (a token in
/// a query, an upstream's error text) is masked by the process's `SecretScrubber`.
public struct Log: Sendable {
    private let sink: @Sendable (String) -> Void
    private let scrubber: SecretScrubber

    public init(sink: (@Sendable (String) -> Void)? = nil, scrubber: SecretScrubber = .process) {
        self.sink = sink ?? { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        self.scrubber = scrubber
    }

    /// A normal message.
    public func info(_ message: @autoclosure () -> String) { write("jmap-relay: " + message()) }

    /// Something went wrong but the relay goes on.
    public func warning(_ message: @autoclosure () -> String) { write("jmap-relay: warning: " + message()) }

    /// Something failed.
    public func error(_ message: @autoclosure () -> String) { write("jmap-relay: error: " + message()) }

    /// Every line goes out here, and only here.
    private func write(_ line: String) { sink(scrubber.scrub(line)) }
}
