/// A JMAP request's method calls as values, and the surgery method-level faults need:
/// taking calls out before the server sees them (and the calls that reference them), and
/// putting error answers back in their place.
public struct JMAPBatch: Sendable, Equatable {
    /// One `[name, arguments, callId]` triple.
    public struct Call: Sendable, Equatable {
        public var name: String
        public var arguments: JSONObject
        public var callId: String
    }

    /// The whole request object (for `using` and other members).
    public var request: JSONObject
    public var calls: [Call]

    /// Reads a JMAP Request object; nil when it is not one.
    public init?(_ value: JSONValue) {
        guard let o = value.objectValue, let raw = o["methodCalls"]?.arrayValue else { return nil }
        var calls: [Call] = []
        for item in raw {
            guard let t = item.arrayValue, t.count == 3, let name = t[0].stringValue, let args = t[1].objectValue,
                let id = t[2].stringValue
            else { return nil }
            calls.append(Call(name: name, arguments: args, callId: id))
        }
        self.request = o
        self.calls = calls
    }

    /// The calls as the fault engine sees them.
    public var contextCalls: [FaultContext.Call] {
        calls.map { FaultContext.Call(name: $0.name, callId: $0.callId, accountId: $0.arguments["accountId"]?.stringValue) }
    }

    /// The request with only the calls at `kept` (in order).
    public func requestKeeping(_ kept: [Int]) -> JSONValue {
        var o = request
        o["methodCalls"] = .array(kept.map { i in
            let c = calls[i]
            return .array([.string(c.name), .object(c.arguments), .string(c.callId)])
        })
        return .object(o)
    }

    /// Call ids that name a call in a result reference (`"#ids": {"resultOf": …}`) of `call`.
    public static func references(of call: Call) -> [String] {
        call.arguments.compactMap { k, v -> String? in
            guard k.hasPrefix("#") else { return nil }
            return v["resultOf"]?.stringValue
        }
    }

    /// The indices of calls that reference one of `failed` directly or through another such
    /// call: a real server answers them `invalidResultReference`.
    public func dependents(of failed: Set<Int>) -> Set<Int> {
        var dead = Set(failed.map { calls[$0].callId })
        var result: Set<Int> = []
        for (i, c) in calls.enumerated() where !failed.contains(i) {
            if Self.references(of: c).contains(where: dead.contains) {
                result.insert(i)
                dead.insert(c.callId)
            }
        }
        return result
    }

    /// Builds the client's `methodResponses`: upstream answers for calls that went up, in
    /// place; `errors[i]` (an error type) for call `i` instead of whatever the upstream said.
    /// Responses the upstream added for a call (implicit `/set` after `onSuccess…`) stay with it.
    public func mergedResponses(upstream: [JSONValue], errors: [Int: (type: String, description: String?)]) -> [JSONValue] {
        var byCall: [String: [JSONValue]] = [:]
        var order: [String] = []
        for r in upstream {
            let id = r[2]?.stringValue ?? ""
            if byCall[id] == nil { order.append(id) }
            byCall[id, default: []].append(r)
        }
        var out: [JSONValue] = []
        var used: Set<String> = []
        for (i, c) in calls.enumerated() {
            if let e = errors[i] {
                var args = JSONObject()
                args["type"] = .string(e.type)
                if let d = e.description { args["description"] = .string(d) }
                out.append(.array([.string("error"), .object(args), .string(c.callId)]))
            } else if !used.contains(c.callId), let rs = byCall[c.callId] {
                out.append(contentsOf: rs)
                used.insert(c.callId)
            }
        }
        // Anything the upstream answered under an id the request did not have stays, at the end.
        for id in order where !used.contains(id) && !calls.contains(where: { $0.callId == id }) {
            out.append(contentsOf: byCall[id] ?? [])
        }
        return out
    }
}

/// A JMAP Response object's pieces, for rebuilding it after a fault.
public enum JMAPResponseEdit {
    /// Replaces `methodResponses` and, when given, `sessionState`.
    public static func replacing(_ response: JSONValue, methodResponses: [JSONValue], sessionState: String? = nil) -> JSONValue {
        var o = response.objectValue ?? JSONObject()
        o["methodResponses"] = .array(methodResponses)
        if let sessionState { o["sessionState"] = .string(sessionState) }
        return .object(o)
    }

    /// A response for a request the upstream never saw.
    public static func synthesized(methodResponses: [JSONValue], sessionState: String) -> JSONValue {
        .object(JSONObject([("methodResponses", .array(methodResponses)), ("sessionState", .string(sessionState))]))
    }
}
