/// A JMAP request reduced to what matters for replay: method names and arguments, with the
/// client's call ids dropped, creation ids numbered by first appearance (`#draft` → `#c1`),
/// result references pointing at a call's position instead of its id, and `using` sorted.
/// Two runs of the same client produce the same shape even when they name things differently.
public struct JMAPRequestShape: Sendable, Equatable {
    /// The normalised request.
    public var normalized: JSONValue
    /// The client's call ids, in order.
    public var callIds: [String]
    /// The client's creation ids, in order of first appearance.
    public var creationIds: [String]

    /// The shape of a request body; nil when it is not a JMAP request.
    public init?(body: [UInt8]) {
        guard let v = try? JSONParser.parse(body), let calls = v["methodCalls"]?.arrayValue else { return nil }
        var callIds: [String] = []
        var creation: [String: Int] = [:]
        var creationOrder: [String] = []
        for c in calls { callIds.append(c[2]?.stringValue ?? "") }
        var out: [JSONValue] = []
        for c in calls {
            let name = c[0] ?? .null
            var raw = c[1] ?? .null
            if name.stringValue == "PushSubscription/set" { raw = Self.withoutCallbackURLs(raw) }
            let args = Self.normalize(raw, key: nil, callIds: callIds, creation: &creation, order: &creationOrder)
            out.append([name, args])
        }
        let using = (v["using"]?.arrayValue ?? []).compactMap(\.stringValue).sorted().map { JSONValue.string($0) }
        normalized = ["using": .array(using), "methodCalls": .array(out)]
        self.callIds = callIds
        self.creationIds = creationOrder
    }

    /// A new subscription's callback `url` is the client's (or, once recorded, the relay's own
    /// callback), so it differs between runs and is left out of the match.
    static func withoutCallbackURLs(_ args: JSONValue) -> JSONValue {
        guard case .object(var create)? = args["create"] else { return args }
        for (k, sub) in create where sub["url"] != nil {
            var s = sub
            s["url"] = "(callback)"
            create[k] = s
        }
        var out = args
        out["create"] = .object(create)
        return out
    }

    /// A stable text key for matching.
    public var key: String { normalized.serializedString(sortedKeys: true) }

    /// The client's names in this request.
    public var ids: JMAPRequestIds { JMAPRequestIds(callIds: callIds, creationIds: creationIds) }

    private static func normalize(_ v: JSONValue, key: String?, callIds: [String], creation: inout [String: Int],
                                  order: inout [String]) -> JSONValue {
        switch v {
        case .object(let o):
            var out = JSONObject()
            if o["resultOf"] != nil, let ref = o["resultOf"]?.stringValue {
                for (k, x) in o { out[k] = x }
                out["resultOf"] = .string(callIds.firstIndex(of: ref).map { "@call\($0)" } ?? ref)
                return .object(out)
            }
            for (k, x) in o {
                if key == "create" {
                    let n = creation[k] ?? { order.append(k); creation[k] = order.count; return order.count }()
                    out["#c\(n)"] = normalize(x, key: k, callIds: callIds, creation: &creation, order: &order)
                } else {
                    out[k] = normalize(x, key: k, callIds: callIds, creation: &creation, order: &order)
                }
            }
            return .object(out)
        case .array(let a):
            return .array(a.map { normalize($0, key: key, callIds: callIds, creation: &creation, order: &order) })
        case .string(let s) where s.hasPrefix("#"):
            if let n = creation[String(s.dropFirst())] { return .string("#c\(n)") }
            return v
        default:
            return v
        }
    }

    /// Rewrites a recorded response so it speaks the client's names: call ids and creation ids
    /// of the recorded request become this request's.
    public func adapt(response: [UInt8], recorded: JMAPRequestIds) -> [UInt8] {
        guard recorded.callIds != callIds || recorded.creationIds != creationIds,
            var v = try? JSONParser.parse(response), let responses = v["methodResponses"]?.arrayValue
        else { return response }
        var idMap: [String: String] = [:]
        for (r, c) in zip(recorded.callIds, callIds) where idMap[r] == nil { idMap[r] = c }
        var creationMap: [String: String] = [:]
        for (r, c) in zip(recorded.creationIds, creationIds) { creationMap[r] = c }
        func renameKeys(_ x: JSONValue?) -> JSONValue? {
            guard case .object(let o)? = x else { return x }
            var out = JSONObject()
            for (k, val) in o { out[creationMap[k] ?? k] = val }
            return .object(out)
        }
        v["methodResponses"] = .array(responses.map { r in
            guard case .array(var parts) = r, parts.count == 3 else { return r }
            if let id = parts[2].stringValue, let mapped = idMap[id] { parts[2] = .string(mapped) }
            if case .object(var args) = parts[1] {
                for k in ["created", "notCreated"] where args[k] != nil { args[k] = renameKeys(args[k]) }
                parts[1] = .object(args)
            }
            return .array(parts)
        })
        if v["createdIds"] != nil { v["createdIds"] = renameKeys(v["createdIds"]) }
        return v.serialized()
    }
}
