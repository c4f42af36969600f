import RelayCore
import Synchronization

/// The relay's fault rules while it runs: loaded from the configuration, changed through the
/// control API or from a test (`relay.faults.add("call=Email/set action=method-error:serverFail")`).
/// Decisions are made by the pure `FaultBook` behind a lock.
public final class FaultController: Sendable {
    private let book: Locked<FaultBook>
    private let learned = Locked(Learned())
    /// API requests in flight, counted only while `maxConcurrentRequests` is enforced.
    private let inFlight = Atomic(0)
    /// Whether the session's own advertised limits are enforced (`--limits strict`).
    public let strictLimits: Bool
    /// What the rules need of every request, kept current as rules change so that the
    /// per-request checks take no lock.
    private let anyRules = Atomic(false)
    private let anyAccountMatch = Atomic(false)
    private let anyEventRules = Atomic(false)

    /// What the relay learned from the upstream's session, for enforcing limits and for
    /// answers it makes up.
    struct Learned {
        var advertisedLimits: [String: Int] = [:]
        var sessionState = "0"
    }

    init(rules: [FaultRule], seed: UInt64, strictLimits: Bool) {
        self.book = Locked(FaultBook(seed: seed, rules: rules))
        self.strictLimits = strictLimits
        book.withLock { publish($0) }
    }

    /// Copies what every request asks of the rules into the atomics (called under the lock).
    private func publish(_ b: FaultBook) {
        anyRules.store(!b.isEmpty, ordering: .releasing)
        anyAccountMatch.store(b.needsAccounts, ordering: .releasing)
        anyEventRules.store(b.hasEventRules, ordering: .releasing)
    }

    /// Changes the rules and republishes the flags.
    private func changing<R>(_ body: (inout FaultBook) -> R) -> R {
        book.withLock { b in
            let r = body(&b)
            publish(b)
            return r
        }
    }

    /// Adds a rule written in the spec language; returns it with its id.
    @discardableResult
    public func add(_ spec: String) throws -> FaultRule { add(try FaultSpec.parse(spec)) }

    /// Adds a rule; returns it with its id.
    @discardableResult
    public func add(_ rule: FaultRule) -> FaultRule { changing { $0.add(rule) } }

    /// Removes the rule with `id`; false when there is none.
    @discardableResult
    public func remove(id: String) -> Bool { changing { $0.remove(id: id) } }

    /// Removes every rule.
    public func removeAll() { changing { $0.removeAll() } }

    /// The rules with how often each matched and fired.
    public var entries: [FaultBook.Entry] { book.withLock { $0.entries } }

    /// The rules as the control API shows them.
    var json: JSONValue { book.withLock { $0.json } }

    /// Whether there is nothing to do for any exchange (the fast path).
    var isIdle: Bool { !strictLimits && !anyRules.load(ordering: .acquiring) }

    /// Whether API requests must be parsed whole to decide (a rule matches on `account`).
    var needsAccounts: Bool { anyAccountMatch.load(ordering: .acquiring) }

    /// Decides the faults for one exchange, and what the session looks like now.
    func decide(_ context: FaultContext) -> (fired: [FaultBook.Fired], session: SessionFaults, standing: [FaultRule]) {
        book.withLock { b in
            let fired = b.decide(context)
            return (fired, b.sessionFaults, b.standingRules)
        }
    }

    /// Whether any rule acts on push events.
    var hasEventRules: Bool { anyEventRules.load(ordering: .acquiring) }

    /// The event-level rules that fire on one event of a stream.
    func decideEvent(_ stream: FaultContext) -> [FaultBook.Fired] { book.withLock { $0.decideEvent(stream) } }

    /// The session faults alone (for session responses).
    var sessionFaults: SessionFaults { book.withLock { $0.sessionFaults } }

    /// Counts a standing rule's refusal.
    func noteStanding(_ id: String) { book.withLock { $0.noteStanding(id: id) } }

    /// The limits to enforce now: lowered ones, and the advertised ones under `--limits strict`.
    func enforcedLimits(_ session: SessionFaults) -> [String: Int] {
        var limits = session.limits
        if strictLimits {
            for (k, v) in learned.withLock({ $0.advertisedLimits }) { limits[k] = min(limits[k] ?? Int.max, v) }
        }
        return limits
    }

    /// Takes a slot for an API request under `maxConcurrentRequests`; false when all are taken.
    func takeConcurrencySlot(limit: Int) -> Bool {
        if inFlight.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue <= limit { return true }
        inFlight.wrappingSubtract(1, ordering: .acquiringAndReleasing)
        return false
    }

    /// Gives back a slot taken by `takeConcurrencySlot`.
    func releaseConcurrencySlot() { inFlight.wrappingSubtract(1, ordering: .acquiringAndReleasing) }

    /// Remembers the upstream session's limits and state.
    func learn(session: JSONValue) {
        let limits = SessionFaults.advertisedLimits(session)
        let state = session["state"]?.stringValue
        learned.withLock {
            $0.advertisedLimits = limits
            if let state { $0.sessionState = state }
        }
    }

    /// Remembers the latest `sessionState` an API response carried.
    func learn(sessionState: String) { learned.withLock { $0.sessionState = sessionState } }

    /// The latest upstream session state (for answers the relay makes up).
    var sessionState: String { learned.withLock { $0.sessionState } }
}
