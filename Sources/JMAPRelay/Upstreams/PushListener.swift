import RelayCore

/// Something open in a replay that recorded pushes are delivered to: an event stream or a
/// WebSocket with push enabled.
protocol PushListener: AnyObject, Sendable {
    /// Which recorded pushes it takes.
    var transport: RecordedPush.Transport { get }
    /// Sends one push (filtered by what the listener asked for). Must not block.
    func deliver(_ push: RecordedPush)
    /// The relay is stopping: end now.
    func end()
}
