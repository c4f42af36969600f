/// Where ids and states sit in JMAP messages (RFC 8620, 8621, 8887, 9404). Positions only:
/// a value is replaced because of the property it is in, never because of what it says.
extension IdNormalizer {
    /// Method arguments (and top-level members) that hold a state string.
    static let stateProperties: Set<String> = [
        "state", "oldState", "newState", "queryState", "oldQueryState", "newQueryState", "sinceState", "sinceQueryState",
        "ifInState", "ifFromInState", "sessionState", "pushState",
    ]

    /// Names ending in `Id`/`Ids` that are not server ids: RFC 5322 header values, body part
    /// numbers, and the client's own device id.
    static let notIdProperties: Set<String> = ["messageId", "inReplyTo", "references", "partId", "deviceClientId"]

    /// Ids under names without the suffix (Email/query filters, the /query `anchor`).
    static let otherIdProperties: [String: Kind] = ["inMailbox": .id, "inMailboxOtherThan": .id, "anchor": .id]

    /// The kind of id a property holds, by its name; nil when it holds none.
    static func idKind(_ name: String) -> Kind? {
        if notIdProperties.contains(name) || name.hasPrefix("header:") { return nil }
        if let k = otherIdProperties[name] { return k }
        if name == "id" || name == "ids" { return .id }
        let base: Substring
        if name.hasSuffix("Ids") {
            base = name.dropLast(3)
        } else if name.hasSuffix("Id") {
            base = name.dropLast(2)
        } else {
            return nil
        }
        if base.isEmpty { return nil }
        let lower = base.lowercased()
        if lower.hasSuffix("account") { return .account }
        if lower.hasSuffix("blob") { return .blob }
        return .id
    }

    /// Whether `name` is an id set or list (`mailboxIds`, `emailIds`): its keys may be ids.
    static func isIdCollection(_ name: String) -> Bool { name.hasSuffix("Ids") && idKind(name) != nil }

    // MARK: Messages

    /// A session resource: `accounts` keys, `primaryAccounts` values and `state`. The URL
    /// templates are remembered for the download and upload paths that follow.
    mutating func session(_ v: JSONValue) -> JSONValue {
        guard case .object(let o) = v, o["apiUrl"] != nil || o["accounts"] != nil else { return v }
        learnTemplates(o)
        var out = JSONObject()
        for (k, x) in o {
            switch (k, x) {
            case ("accounts", .object(let accounts)):
                var renamed = JSONObject()
                for (id, account) in accounts { renamed[self.id(id, .account)] = account }
                out[k] = .object(renamed)
            case ("primaryAccounts", .object(let primary)):
                out[k] = .object(primary.mapValues { idValue($0, .account) })
            case ("state", .string(let s)):
                out[k] = .string(state(s))
            default:
                out[k] = x
            }
        }
        return .object(out)
    }

    /// A JMAP `Request` or `Response` (HTTP body or WebSocket message): each invocation's
    /// arguments, `sessionState` and `createdIds`. The WebSocket request `id` and the answer's
    /// `requestId` are the client's and stay.
    mutating func apiMessage(_ v: JSONValue) -> JSONValue {
        guard case .object(let o) = v else { return v }
        var out = JSONObject()
        for (k, x) in o {
            switch (k, x) {
            case ("methodCalls", .array(let calls)), ("methodResponses", .array(let calls)):
                out[k] = .array(calls.map { call in
                    guard case .array(var parts) = call, parts.count >= 2 else { return call }
                    parts[1] = arguments(parts[1])
                    return .array(parts)
                })
            case ("sessionState", _):
                out[k] = stateValue(x)
            case ("createdIds", .object(let created)):
                out[k] = .object(created.mapValues { idValue($0, .id) })
            default:
                out[k] = x
            }
        }
        return .object(out)
    }

    /// A push message: a StateChange's `changed` map (account ids → type → state) and
    /// `pushState`, or a PushVerification's subscription id.
    mutating func pushMessage(_ v: JSONValue) -> JSONValue {
        guard case .object(let o) = v else { return v }
        let type = o["@type"]?.stringValue
        guard type == "StateChange" || type == "PushVerification" || (type == nil && o["changed"]?.objectValue != nil) else {
            return v
        }
        var out = JSONObject()
        for (k, x) in o {
            switch (k, x) {
            case ("changed", .object(let changed)):
                var accounts = JSONObject()
                for (account, types) in changed {
                    let key = id(account, .account)
                    accounts[key] = types.objectValue.map { .object($0.mapValues { stateValue($0) }) } ?? types
                }
                out[k] = .object(accounts)
            case ("pushState", _):
                out[k] = stateValue(x)
            default:
                out[k] = Self.idKind(k).map { idValue(x, $0) } ?? x
            }
        }
        return .object(out)
    }

    // MARK: Arguments and data

    /// A method's arguments (request or response). Creation ids (keys of `create`,
    /// `notCreated`, `emails` and of a /set `created`) and result references (`#ids`) stay.
    mutating func arguments(_ v: JSONValue) -> JSONValue {
        guard case .object(let o) = v else { return v }
        var out = JSONObject()
        for (k, x) in o {
            if k.hasPrefix("#") {
                out[k] = x
                continue
            }
            if Self.stateProperties.contains(k) {
                out[k] = stateValue(x)
                continue
            }
            switch (k, x) {
            case ("create", .object(let m)), ("notCreated", .object(let m)), ("emails", .object(let m)):
                out[k] = .object(m.mapValues { data($0) })
            case ("created", .object(let m)):
                out[k] = .object(m.mapValues { data($0) })
            case ("update", .object(let m)), ("onSuccessUpdateEmail", .object(let m)):
                out[k] = .object(mapKeys(m, .id) { $0.patch($1) })
            case ("updated", .object(let m)), ("notUpdated", .object(let m)), ("notDestroyed", .object(let m)):
                out[k] = .object(mapKeys(m, .id) { $0.data($1) })
            case ("parsed", .object(let m)), ("notCopied", .object(let m)):
                out[k] = .object(mapKeys(m, .blob) { $0.data($1) })
            case ("copied", .object(let m)):
                out[k] = .object(mapKeys(m, .blob) { $0.idValue($1, .blob) })
            case ("created", _), ("updated", _), ("destroyed", _), ("destroy", _), ("notFound", _), ("removed", _),
                 ("onSuccessDestroyEmail", _):
                out[k] = idValue(x, .id)
            case ("notParsable", _):
                out[k] = idValue(x, .blob)
            default:
                out[k] = Self.idKind(k).map { idValue(x, $0) } ?? data(x)
            }
        }
        return .object(out)
    }

    /// An object's properties (a `list` entry, a `create`, a filter, a SetError…): every
    /// id-named property, at any depth.
    mutating func data(_ v: JSONValue) -> JSONValue {
        switch v {
        case .object(let o):
            var out = JSONObject()
            for (k, x) in o { out[k] = Self.idKind(k).map { idValue(x, $0) } ?? data(x) }
            return .object(out)
        case .array(let a):
            return .array(a.map { data($0) })
        default:
            return v
        }
    }

    /// An `update` patch: properties as in `data`, and in paths the segment after an id set
    /// (`mailboxIds/M123`) is an id.
    mutating func patch(_ v: JSONValue) -> JSONValue {
        guard case .object(let o) = v else { return data(v) }
        var out = JSONObject()
        for (k, x) in o {
            guard k.contains("/") else {
                out[k] = Self.idKind(k).map { idValue(x, $0) } ?? data(x)
                continue
            }
            var segments = k.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            var lastIsIdKey = false
            for i in segments.indices {
                lastIsIdKey = false
                if i > 0, Self.isIdCollection(segments[i - 1]), let kind = Self.idKind(segments[i - 1]) {
                    segments[i] = id(segments[i], kind)
                    lastIsIdKey = true
                }
            }
            let last = segments.last ?? ""
            let value = lastIsIdKey ? x : (Self.idKind(last).map { idValue(x, $0) } ?? data(x))
            out[segments.joined(separator: "/")] = value
        }
        return .object(out)
    }

    /// The value of an id-named property: a string, a list, an id set (`{"M1": true}`: the keys
    /// are ids), or a map whose values are lists (`matchedIds: {"Mailbox": [...]}`: keys stay).
    mutating func idValue(_ v: JSONValue, _ kind: Kind) -> JSONValue {
        switch v {
        case .string(let s):
            return .string(id(s, kind))
        case .array(let a):
            return .array(a.map { idValue($0, kind) })
        case .object(let o):
            var out = JSONObject()
            for (k, x) in o {
                switch x {
                case .bool, .null: out[id(k, kind)] = x
                default: out[k] = idValue(x, kind)
                }
            }
            return .object(out)
        default:
            return v
        }
    }

    /// A state value (strings only; anything else stays).
    mutating func stateValue(_ v: JSONValue) -> JSONValue {
        guard case .string(let s) = v else { return v }
        return .string(state(s))
    }

    /// An object whose keys are ids of `kind`, values transformed by `f`.
    private mutating func mapKeys(_ o: JSONObject, _ kind: Kind, _ f: (inout IdNormalizer, JSONValue) -> JSONValue) -> JSONObject {
        var out = JSONObject()
        for (k, x) in o {
            let key = id(k, kind)  // the key first: it may be the id's first appearance
            out[key] = f(&self, x)
        }
        return out
    }
}
