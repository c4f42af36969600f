/// The top-level arguments a standard method's response has (RFC 8620 §5), so that a result
/// reference's path can be checked against what the referenced response can contain.
public enum MethodResponseShape {
    /// Response argument names of the standard methods, by operation (`get`, `query`, …).
    static let byOperation: [String: Set<String>] = [
        "get": ["accountId", "state", "list", "notFound"],
        "changes": ["accountId", "oldState", "newState", "hasMoreChanges", "created", "updated", "destroyed",
                    "updatedProperties"],
        "set": ["accountId", "oldState", "newState", "created", "updated", "destroyed", "notCreated", "notUpdated",
                "notDestroyed"],
        "copy": ["fromAccountId", "accountId", "oldState", "newState", "created", "notCreated"],
        "query": ["accountId", "queryState", "canCalculateChanges", "position", "ids", "total", "limit",
                  "collapseThreads"],
        "queryChanges": ["accountId", "oldQueryState", "newQueryState", "total", "removed", "added",
                         "collapseThreads"],
    ]

    /// The argument names a response to `method` can have; nil when the method is not a
    /// standard one (its shape is unknown, so nothing is checked).
    public static func arguments(of method: String) -> Set<String>? {
        guard let slash = method.firstIndex(of: "/") else { return nil }
        return byOperation[String(method[method.index(after: slash)...])]
    }
}
