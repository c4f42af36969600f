/// Record-level faults: chosen creates, updates or destroys of a `/set` call become
/// SetErrors. The records are taken out of the request before the server sees it, so the
/// server's state matches what the client is told, and put back as `notCreated`,
/// `notUpdated` or `notDestroyed` in the answer; the other records keep their results.
public enum SetErrorInjection {
    /// Which records of `arguments` the rule picks: creation ids, or object ids.
    public static func pick(_ arguments: JSONObject, operation: FaultAction.SetOperation, target: String?, index: Int?) -> [String] {
        let keys: [String]
        switch operation {
        case .create: keys = arguments["create"]?.objectValue?.keys ?? []
        case .update: keys = arguments["update"]?.objectValue?.keys ?? []
        case .destroy: keys = (arguments["destroy"]?.arrayValue ?? []).compactMap(\.stringValue)
        }
        if let target { return keys.contains(target) ? [target] : [] }
        if let index { return index < keys.count ? [keys[index]] : [] }
        return keys
    }

    /// The arguments without the picked records.
    public static func strip(_ arguments: JSONObject, operation: FaultAction.SetOperation, ids: [String]) -> JSONObject {
        var a = arguments
        let drop = Set(ids)
        switch operation {
        case .create, .update:
            let key = operation == .create ? "create" : "update"
            guard var map = a[key]?.objectValue else { return a }
            for id in drop { map[id] = nil }
            a[key] = .object(map)
        case .destroy:
            a["destroy"] = .array((a["destroy"]?.arrayValue ?? []).filter { !drop.contains($0.stringValue ?? "") })
        }
        return a
    }

    /// The `/set` response arguments with a SetError of `type` for each of `ids`.
    public static func apply(_ response: JSONObject, operation: FaultAction.SetOperation, ids: [String], type: String,
                             description: String?) -> JSONObject {
        var r = response
        let key: String
        switch operation {
        case .create:
            key = "notCreated"
            if var created = r["created"]?.objectValue {
                for id in ids { created[id] = nil }
                r["created"] = created.isEmpty ? .null : .object(created)
            }
        case .update:
            key = "notUpdated"
            if var updated = r["updated"]?.objectValue {
                for id in ids { updated[id] = nil }
                r["updated"] = updated.isEmpty ? .null : .object(updated)
            }
        case .destroy:
            key = "notDestroyed"
            if let destroyed = r["destroyed"]?.arrayValue {
                let left = destroyed.filter { !ids.contains($0.stringValue ?? "") }
                r["destroyed"] = left.isEmpty ? .null : .array(left)
            }
        }
        var errors = r[key]?.objectValue ?? JSONObject()
        for id in ids {
            var e = JSONObject()
            e["type"] = .string(type)
            e["description"] = .string(description ?? "injected by jmap-relay")
            errors[id] = .object(e)
        }
        r[key] = .object(errors)
        return r
    }
}
