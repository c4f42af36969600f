/// Bad command-line input: printed as `Error: …` plus usage, exit code 64.
public struct UsageError: Error, Equatable, CustomStringConvertible {
    public var message: String
    /// The subcommand whose usage to print.
    public var command: String?

    public init(_ message: String, command: String? = nil) {
        self.message = message
        self.command = command
    }

    public var description: String { message }
}
