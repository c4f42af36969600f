/// One method call or method response of a JMAP request or response: `[name, arguments, callId]`.
public struct JMAPInvocation: Sendable, Equatable {
    /// Method name, e.g. `Email/get` (or `error` in a response).
    public var name: String
    public var arguments: JSONObject
    public var callId: String
    /// Position in the batch, from 0.
    public var index: Int

    public init(name: String, arguments: JSONObject, callId: String, index: Int) {
        self.name = name
        self.arguments = arguments
        self.callId = callId
        self.index = index
    }

    /// The data type part of the name: `Email` for `Email/get`.
    public var typeName: Substring { name.split(separator: "/", maxSplits: 1).first ?? Substring(name) }

    /// The operation part of the name: `get` for `Email/get`, empty when there is none.
    public var operation: Substring {
        guard let slash = name.firstIndex(of: "/") else { return "" }
        return name[name.index(after: slash)...]
    }

    /// The invocations of a `methodCalls` or `methodResponses` array; malformed entries are skipped.
    static func list(_ value: JSONValue?) -> [JMAPInvocation] {
        guard let items = value?.arrayValue else { return [] }
        var out: [JMAPInvocation] = []
        for (i, item) in items.enumerated() {
            guard let name = item[0]?.stringValue, let args = item[1]?.objectValue, let id = item[2]?.stringValue else { continue }
            out.append(JMAPInvocation(name: name, arguments: args, callId: id, index: i))
        }
        return out
    }
}
