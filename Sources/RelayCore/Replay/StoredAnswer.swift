/// A recorded answer read back from the recording file when it is served, so a replay need
/// not hold every response head and body.
public struct StoredAnswer: Sendable, Equatable {
    public var head: HTTPResponseHead
    public var body: [UInt8]?

    public init(head: HTTPResponseHead, body: [UInt8]?) {
        self.head = head
        self.body = body
    }
}
