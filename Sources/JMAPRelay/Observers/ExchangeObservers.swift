import RelayCore
import Synchronization

/// Everyone who wants to know about finished exchanges: the trace, the in-memory ring for
/// the control API, and (when recording) the recorder. Never blocks the exchange for long.
final class ExchangeObservers: Sendable {
    private let traceMode: RelayConfiguration.TraceMode
    private let sink: TraceSink
    private let ring: Locked<ExchangeRing>
    private let extra = Locked<[@Sendable (Exchange) -> Void]>([])
    /// Observers that come and go (the inspector's event streams), by id.
    private let subscribers = Locked<(next: Int, all: [Int: @Sendable (Exchange) -> Void])>((0, [:]))
    /// How many observers of either kind there are: most exchanges have none to call, and
    /// then no lock is taken or list copied for them.
    private let observerCount = Atomic<Int>(0)

    init(config: RelayConfiguration) {
        traceMode = config.trace
        sink = TraceSink(custom: config.traceSink)
        ring = Locked(ExchangeRing(capacity: config.exchangeRingSize))
    }

    /// Adds an observer of finished exchanges (recorder, tests).
    func add(_ observer: @escaping @Sendable (Exchange) -> Void) {
        extra.withLock { $0.append(observer) }
        observerCount.add(1, ordering: .releasing)
    }

    /// Adds an observer until `unsubscribe(_:)` with the returned id.
    func subscribe(_ observer: @escaping @Sendable (Exchange) -> Void) -> Int {
        observerCount.add(1, ordering: .releasing)
        return subscribers.withLock { s in
            s.next += 1
            s.all[s.next] = observer
            return s.next
        }
    }

    func unsubscribe(_ id: Int) {
        if subscribers.withLock({ $0.all.removeValue(forKey: id) }) != nil { observerCount.subtract(1, ordering: .releasing) }
    }

    func emitTrace(_ r: TraceRecord) {
        switch traceMode {
        case .off: return
        case .text: sink.emitLine { TraceFormatter.writeText(r, into: &$0) }
        case .json: sink.emit(TraceFormatter.json(r))
        }
    }

    /// A line for a message inside a WebSocket or an EventSource stream.
    func emitPush(_ r: PushTraceRecord) {
        switch traceMode {
        case .off: return
        case .text: sink.emit(TraceFormatter.text(r))
        case .json: sink.emit(TraceFormatter.json(r))
        }
    }

    func emitExchange(_ f: FinishedExchange) {
        ring.withLock { $0.append(f) }
        guard observerCount.load(ordering: .acquiring) > 0 else { return }
        let e = f.exchange
        for o in extra.withLock({ $0 }) { o(e) }
        for o in subscribers.withLock({ Array($0.all.values) }) { o(e) }
    }

    /// Exchanges after `since`, oldest first.
    func recent(since: Int) -> [Exchange] { ring.withLock { $0.items(since: since) }.map(\.exchange) }

    /// Flushes the trace.
    func close() { sink.close() }
}

/// A bounded ring of recent exchanges: memory stays flat however long the relay runs.
struct ExchangeRing: Sendable {
    private var items: [FinishedExchange] = []
    private var next = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    mutating func append(_ e: FinishedExchange) {
        if items.count < capacity {
            items.append(e)
        } else {
            items[next] = e
            next = (next + 1) % capacity
        }
    }

    func items(since: Int) -> [FinishedExchange] {
        let ordered = Array(items[next...] + items[..<next])
        return ordered.filter { $0.seq > since }.sorted { $0.seq < $1.seq }
    }
}
