/// The loaded fault rules and what they have done: match and fire counts, the seed. Pure
/// and deterministic: the same rules, seed and sequence of exchanges give the same
/// decisions. The relay keeps one behind a lock.
public struct FaultBook: Sendable {
    /// A rule and its counters.
    public struct Entry: Sendable, Equatable {
        public var rule: FaultRule
        /// Exchanges the rule matched.
        public var matched = 0
        /// Times it fired.
        public var fired = 0
        /// The rule's number, feeding the seeded draw (stable when others are removed).
        var number: Int
    }

    /// A rule that fired on an exchange, with the calls it chose (indices into the request's
    /// calls; all of them for a rule that names no call).
    public struct Fired: Sendable, Equatable {
        public var rule: FaultRule
        public var calls: [Int]
    }

    public private(set) var entries: [Entry] = []
    /// What the standing rules and bumps do to the session, kept current as rules change (it
    /// is asked for on every exchange).
    public private(set) var sessionFaults = SessionFaults()
    /// The standing rules (`drop-capability`, `limit`), kept current as rules change.
    public private(set) var standingRules: [FaultRule] = []
    public var seed: UInt64
    private var nextNumber = 1
    /// How many times `bump-session-state` fired.
    public private(set) var sessionBumps = 0

    public init(seed: UInt64 = 0, rules: [FaultRule] = []) {
        self.seed = seed
        for r in rules { add(r) }
    }

    /// Whether any rule is loaded (the pipeline skips all fault work when none is).
    public var isEmpty: Bool { entries.isEmpty }

    /// Whether a rule sleeps (a delay): such exchanges must not run on an event loop.
    public private(set) var hasDelays = false

    /// Whether a rule matches on account ids (the request must then be parsed whole).
    public private(set) var needsAccounts = false

    /// Adds a rule, giving it the next id (`r1`, `r2`, …) unless it has one; returns it.
    @discardableResult
    public mutating func add(_ rule: FaultRule) -> FaultRule {
        var r = rule
        let n = nextNumber
        nextNumber += 1
        if r.id.isEmpty { r.id = "r\(n)" }
        entries.append(Entry(rule: r, number: n))
        refreshStanding()
        return r
    }

    /// Removes the rule with `id`; false when there is none.
    public mutating func remove(id: String) -> Bool {
        let before = entries.count
        entries.removeAll { $0.rule.id == id }
        refreshStanding()
        return entries.count != before
    }

    /// Removes every rule.
    public mutating func removeAll() {
        entries.removeAll()
        refreshStanding()
    }

    /// The rules that fire on this exchange, in the order they were added. Standing rules
    /// (`drop-capability`, `limit`) are not decided here: see `sessionFaults`.
    public mutating func decide(_ exchange: FaultContext) -> [Fired] {
        var out: [Fired] = []
        for i in entries.indices {
            let rule = entries[i].rule
            if rule.action.isStanding || rule.action.isEventLevel { continue }
            if rule.action.isJMAPLevel, exchange.kind != .api { continue }
            guard let calls = rule.match.select(exchange) else { continue }
            entries[i].matched += 1
            guard rule.schedule.fires(match: entries[i].matched, fired: entries[i].fired, seed: seed, rule: entries[i].number)
            else { continue }
            entries[i].fired += 1
            if case .bumpSessionState = rule.action {
                sessionBumps += 1
                refreshStanding()
            }
            out.append(Fired(rule: rule, calls: calls))
        }
        return out
    }

    /// Whether any rule acts on push events (streams are then read event by event).
    public var hasEventRules: Bool { entries.contains { $0.rule.action.isEventLevel } }

    /// The event-level rules that fire on one `state` event of the stream described by
    /// `stream`; each event counts as one match for `nth`, `first`, `every`, `probability`.
    public mutating func decideEvent(_ stream: FaultContext) -> [Fired] {
        var out: [Fired] = []
        for i in entries.indices where entries[i].rule.action.isEventLevel {
            let rule = entries[i].rule
            guard rule.match.select(stream) != nil else { continue }
            entries[i].matched += 1
            guard rule.schedule.fires(match: entries[i].matched, fired: entries[i].fired, seed: seed, rule: entries[i].number)
            else { continue }
            entries[i].fired += 1
            out.append(Fired(rule: rule, calls: []))
        }
        return out
    }

    private mutating func refreshStanding() {
        var s = SessionFaults()
        var standing: [FaultRule] = []
        for e in entries {
            switch e.rule.action {
            case .dropCapability(let c):
                s.droppedCapabilities.insert(c)
                standing.append(e.rule)
            case .limit(let name, let value):
                s.limits[name] = min(s.limits[name] ?? Int.max, value)
                standing.append(e.rule)
            default: break
            }
        }
        if sessionBumps > 0 { s.stateSuffix = "-relay\(sessionBumps)" }
        sessionFaults = s
        standingRules = standing
        hasDelays = entries.contains { if case .delay = $0.rule.action { return true } else { return false } }
        needsAccounts = entries.contains { $0.rule.match.accountId != nil }
    }

    /// Notes that a standing rule acted (refused a request), for its counters.
    public mutating func noteStanding(id: String) {
        guard let i = entries.firstIndex(where: { $0.rule.id == id }) else { return }
        entries[i].matched += 1
        entries[i].fired += 1
    }

    /// The rules as JSON for the control API.
    public var json: JSONValue {
        var o = JSONObject()
        o["seed"] = .int(Int(truncatingIfNeeded: seed))
        o["rules"] = .array(entries.map { e in
            var r = JSONObject()
            r["id"] = .string(e.rule.id)
            r["spec"] = .string(e.rule.spec)
            r["matched"] = .int(e.matched)
            r["fired"] = .int(e.fired)
            return .object(r)
        })
        return .object(o)
    }
}
