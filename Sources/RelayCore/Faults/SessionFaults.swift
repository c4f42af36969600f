/// Faults on the session object: dropped capabilities, lowered limits, a bumped state. Pure:
/// a session in, the session the client sees out.
public struct SessionFaults: Sendable, Equatable {
    public static let core = "urn:ietf:params:jmap:core"

    /// Capabilities removed from the session and the accounts.
    public var droppedCapabilities: Set<String> = []
    /// Core limits lowered (a limit only ever goes down).
    public var limits: [String: Int] = [:]
    /// Appended to `state` and to API responses' `sessionState` once a bump fired.
    public var stateSuffix: String?

    public init(droppedCapabilities: Set<String> = [], limits: [String: Int] = [:], stateSuffix: String? = nil) {
        self.droppedCapabilities = droppedCapabilities
        self.limits = limits
        self.stateSuffix = stateSuffix
    }

    /// Whether the session passes unchanged.
    public var isEmpty: Bool { droppedCapabilities.isEmpty && limits.isEmpty && stateSuffix == nil }

    /// The session as the client sees it.
    public func apply(to session: JSONValue) -> JSONValue {
        guard !isEmpty, var s = session.objectValue else { return session }
        if var caps = s["capabilities"]?.objectValue {
            for c in droppedCapabilities { caps[c] = nil }
            if !limits.isEmpty, var core = caps[Self.core]?.objectValue {
                for (name, value) in limits.sorted(by: { $0.key < $1.key }) {
                    let current = core[name]?.intValue ?? Int.max
                    core[name] = .int(min(current, value))
                }
                caps[Self.core] = .object(core)
            }
            s["capabilities"] = .object(caps)
        }
        if !droppedCapabilities.isEmpty {
            if var accounts = s["accounts"]?.objectValue {
                for (id, account) in accounts {
                    guard var a = account.objectValue, var ac = a["accountCapabilities"]?.objectValue else { continue }
                    for c in droppedCapabilities { ac[c] = nil }
                    a["accountCapabilities"] = .object(ac)
                    accounts[id] = .object(a)
                }
                s["accounts"] = .object(accounts)
            }
            if var primary = s["primaryAccounts"]?.objectValue {
                for c in droppedCapabilities { primary[c] = nil }
                s["primaryAccounts"] = .object(primary)
            }
        }
        if let suffix = stateSuffix, let state = s["state"]?.stringValue {
            s["state"] = .string(state + suffix)
        }
        return .object(s)
    }

    /// The core limits a session advertises.
    public static func advertisedLimits(_ session: JSONValue) -> [String: Int] {
        guard let core = session["capabilities"]?[Self.core]?.objectValue else { return [:] }
        var out: [String: Int] = [:]
        for name in FaultSpec.limitNames { if let n = core[name]?.intValue { out[name] = n } }
        return out
    }
}

extension SessionFaults {
    /// What was changed, for the trace: `-urn:ietf:params:jmap:mail maxCallsInRequest=1 state+`.
    public var summary: String {
        var parts = droppedCapabilities.sorted().map { "-\($0)" }
        parts += limits.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        if let stateSuffix { parts.append("state\(stateSuffix)") }
        return parts.joined(separator: " ")
    }
}
