/// When recorded push messages are due in a replay. A push waits for the client to repeat the
/// request recorded just before it (its `after`); pushes with `after` 0 are due at once. A due
/// push stays due until a listener of its transport takes it, so an event recorded while a
/// stream was open reaches the next stream opened in replay rather than being lost.
public struct ReplayPushSchedule: Sendable {
    private var waiting: [Int: [RecordedPush]] = [:]
    private var due: [RecordedPush] = []

    public init(pushes: [RecordedPush]) {
        for p in pushes.sorted(by: { $0.seq < $1.seq }) {
            if p.after == 0 { due.append(p) } else { waiting[p.after, default: []].append(p) }
        }
    }

    /// The recorded exchange `seq` was answered: pushes recorded after it become due.
    public mutating func served(seq: Int) {
        guard let ps = waiting.removeValue(forKey: seq) else { return }
        due.append(contentsOf: ps)
        due.sort { $0.seq < $1.seq }
    }

    /// Takes the due pushes of `transport` that `accept` agrees to deliver now, in order.
    public mutating func take(_ transport: RecordedPush.Transport, where accept: (RecordedPush) -> Bool = { _ in true })
        -> [RecordedPush]
    {
        var out: [RecordedPush] = []
        due.removeAll { p in
            guard p.transport == transport, accept(p) else { return false }
            out.append(p)
            return true
        }
        return out
    }

    /// Pushes not yet delivered (waiting or due).
    public var pendingCount: Int { due.count + waiting.values.reduce(0) { $0 + $1.count } }
}
