import Foundation

/// Start-up messages and errors, on stderr (the trace owns stdout). Never given secrets:
/// callers pass request targets and error texts, not headers.
public struct Log: Sendable {
    private let sink: @Sendable (String) -> Void

    public init(sink: (@Sendable (String) -> Void)? = nil) {
        self.sink = sink ?? { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    /// A normal message.
    public func info(_ message: @autoclosure () -> String) { sink("jmap-relay: " + message()) }

    /// Something went wrong but the relay goes on.
    public func warning(_ message: @autoclosure () -> String) { sink("jmap-relay: warning: " + message()) }

    /// Something failed.
    public func error(_ message: @autoclosure () -> String) { sink("jmap-relay: error: " + message()) }
}
