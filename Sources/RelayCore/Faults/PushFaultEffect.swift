/// What the push faults that fired on one event add up to: how many copies go out, how long
/// to hold it back, and after how many events the stream ends. Pure, shared by the EventSource
/// and WebSocket paths.
public struct PushFaultEffect: Sendable, Equatable {
    /// 0 (dropped), 1, or 2 (duplicated).
    public var copies = 1
    /// Milliseconds to hold the event back.
    public var delayMs = 0
    /// End the stream once this many events went out.
    public var cutAfter: Int?

    public init(_ actions: [FaultAction]) {
        for a in actions {
            switch a {
            case .dropEvent: copies = 0
            case .duplicateEvent where copies > 0: copies = 2
            case .delayEvent(let ms): delayMs += ms
            case .cutAfter(let n): cutAfter = min(cutAfter ?? n, n)
            default: break
            }
        }
    }
}
