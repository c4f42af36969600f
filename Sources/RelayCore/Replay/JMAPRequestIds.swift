/// The names a client gave inside one JMAP request: all a recorded request keeps for replay
/// besides its matching key, since answering it means only renaming these in the answer.
public struct JMAPRequestIds: Sendable, Equatable {
    /// The client's call ids, in order.
    public var callIds: [String]
    /// The client's creation ids, in order of first appearance.
    public var creationIds: [String]

    public init(callIds: [String], creationIds: [String]) {
        self.callIds = callIds
        self.creationIds = creationIds
    }
}
