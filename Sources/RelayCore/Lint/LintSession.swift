/// The facts of a JMAP Session object (RFC 8620 §2) that rules need.
public struct LintSession: Sendable, Equatable {
    /// The whole session object.
    public var object: JSONObject
    /// The exchange it came from.
    public var seq: Int

    public init(object: JSONObject, seq: Int) {
        self.object = object
        self.seq = seq
    }

    /// The session's `state`.
    public var state: String? { object["state"]?.stringValue }

    /// Ids of the accounts the user can access.
    public var accountIds: Set<String> { Set(object["accounts"]?.objectValue?.keys ?? []) }

    /// Capability URNs the server supports.
    public var capabilities: Set<String> { Set(object["capabilities"]?.objectValue?.keys ?? []) }

    /// A numeric limit of the core capability, e.g. `maxCallsInRequest`.
    public func coreLimit(_ name: String) -> Int? {
        object["capabilities"]?[JMAPCapability.core]?[name]?.intValue
    }
}
