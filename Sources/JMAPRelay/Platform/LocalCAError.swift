/// Why the local CA cannot be used: one line for a person.
public struct LocalCAError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
