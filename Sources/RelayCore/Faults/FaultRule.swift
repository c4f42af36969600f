/// One fault: which exchanges (match), what to do (action), and when (schedule). Written as
/// a spec (`call=Email/set action=method-error:serverFail nth=1`) or as the same keys in a
/// JSON object; `FaultSpec` reads both.
public struct FaultRule: Sendable, Equatable {
    /// A short id (`r1`, `r2`, …) for the trace and the control API.
    public var id: String
    public var match: FaultMatch
    public var action: FaultAction
    public var schedule: FaultSchedule
    /// Extra response details: the problem body's `detail` for `status`, the description of
    /// injected errors.
    public var detail: String?

    public init(id: String = "", match: FaultMatch = FaultMatch(), action: FaultAction, schedule: FaultSchedule = FaultSchedule(),
                detail: String? = nil) {
        self.id = id
        self.match = match
        self.action = action
        self.schedule = schedule
        self.detail = detail
    }

    /// The rule in the spec language; parsing it gives the same rule back.
    public var spec: String { FaultSpec.format(self) }

    /// What the trace says when the rule fires: `r1 method-error:serverFail`.
    public var label: String {
        let a = FaultSpec.actionWords(action)
        return id.isEmpty ? a : "\(id) \(a)"
    }
}
