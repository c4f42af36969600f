/// Things due at a monotonic instant, earliest first: an event loop's timers. Pure: the loop
/// passes the time in, so a test drives it with a manual clock. A cancelled entry is dropped
/// when it reaches the front (a binary heap cannot remove from the middle cheaply).
///
/// Inlinable so that the loop's module specializes it for its payload: called unspecialized
/// across the module boundary, every call looked up the generic metadata of its entries at run
/// time, several times per exchange.
public struct DeadlineQueue<Payload> {
    /// Names one scheduled entry, for `cancel`.
    public struct ID: Hashable, Sendable {
        @usableFromInline let raw: UInt64

        @usableFromInline init(raw: UInt64) { self.raw = raw }
    }

    @usableFromInline struct Entry {
        @usableFromInline var at: UInt64
        @usableFromInline var id: UInt64
        @usableFromInline var payload: Payload

        @usableFromInline init(at: UInt64, id: UInt64, payload: Payload) {
            self.at = at
            self.id = id
            self.payload = payload
        }
    }

    @usableFromInline var heap: [Entry] = []
    @usableFromInline var cancelled: Set<UInt64> = []
    @usableFromInline var nextID: UInt64 = 1

    @inlinable public init() {}

    /// Entries scheduled and not yet fired or cancelled.
    @inlinable public var count: Int { heap.count - cancelled.count }

    /// Schedules `payload` for the instant `at` (nanoseconds on the caller's monotonic clock).
    @inlinable @discardableResult
    public mutating func schedule(at: UInt64, _ payload: Payload) -> ID {
        let id = nextID
        nextID += 1
        heap.append(Entry(at: at, id: id, payload: payload))
        siftUp(heap.count - 1)
        return ID(raw: id)
    }

    /// Forgets an entry that has not fired; a fired or unknown one is ignored.
    @inlinable public mutating func cancel(_ id: ID) {
        if heap.contains(where: { $0.id == id.raw }) { cancelled.insert(id.raw) }
    }

    /// The earliest instant anything is due, nil when nothing is scheduled.
    @inlinable public mutating func nextDeadline() -> UInt64? {
        dropCancelledFront()
        return heap.first?.at
    }

    /// Removes and returns what is due at `now`, earliest first (ties in scheduling order).
    @inlinable public mutating func popDue(now: UInt64) -> [Payload] {
        var due: [Payload] = []
        while true {
            dropCancelledFront()
            guard let first = heap.first, first.at <= now else { return due }
            due.append(removeFirst().payload)
        }
    }

    @usableFromInline mutating func dropCancelledFront() {
        while !cancelled.isEmpty, let first = heap.first, cancelled.remove(first.id) != nil { _ = removeFirst() }
    }

    @usableFromInline mutating func removeFirst() -> Entry {
        let first = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return first
    }

    @usableFromInline static func before(_ a: Entry, _ b: Entry) -> Bool { a.at < b.at || (a.at == b.at && a.id < b.id) }

    @usableFromInline mutating func siftUp(_ i: Int) {
        var i = i
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.before(heap[i], heap[parent]) else { return }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    @usableFromInline mutating func siftDown(_ i: Int) {
        var i = i
        while true {
            var best = i
            for child in (2 * i + 1)...(2 * i + 2) where child < heap.count && Self.before(heap[child], heap[best]) { best = child }
            if best == i { return }
            heap.swapAt(i, best)
            i = best
        }
    }
}
