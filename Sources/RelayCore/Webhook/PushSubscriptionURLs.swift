/// The `url` of each PushSubscription a request creates (RFC 8620 §7.2), read or rewritten.
/// The relay stands between the server and the client's callback: it gives the server its own
/// callback URL instead, and remembers which client URL that stands for.
public enum PushSubscriptionURLs {
    /// The path under which the relay receives pushes for a token.
    public static let callbackPrefix = "/_relay/push/"

    /// The `url`s of the subscriptions `PushSubscription/set` calls in `body` create, in order.
    public static func created(in body: [UInt8]) -> [String] {
        guard mayNamePushSubscription(body), let v = try? JSONParser.parse(body), let calls = v["methodCalls"]?.arrayValue else { return [] }
        return calls.flatMap { c -> [String] in
            guard c[0]?.stringValue == "PushSubscription/set", let create = c[1]?["create"]?.objectValue else { return [] }
            return create.compactMap { _, sub in sub["url"]?.stringValue }
        }
    }

    /// Replaces each created subscription's `url` with `replacement(url)`; nil when the body
    /// creates none (it then goes upstream as it came).
    public static func rewrite(_ body: [UInt8], _ replacement: (String) -> String) -> [UInt8]? {
        guard var v = try? JSONParser.parse(body), let calls = v["methodCalls"]?.arrayValue else { return nil }
        var changed = false
        v["methodCalls"] = .array(calls.map { c in
            guard c[0]?.stringValue == "PushSubscription/set", case .array(var parts) = c, parts.count == 3,
                case .object(var args) = parts[1], case .object(var create)? = args["create"]
            else { return c }
            for (k, sub) in create {
                guard case .object(var s) = sub, let url = s["url"]?.stringValue else { continue }
                s["url"] = .string(replacement(url))
                create[k] = .object(s)
                changed = true
            }
            args["create"] = .object(create)
            parts[1] = .object(args)
            return .array(parts)
        })
        return changed ? v.serialized() : nil
    }

    /// A response with each relay callback `url` in `PushSubscription/get` lists put back to
    /// the client's own URL (`clientURL(token)`), so the client sees what it registered; nil
    /// when nothing changed.
    public static func restore(_ response: [UInt8], clientURL: (String) -> String?) -> [UInt8]? {
        guard var v = try? JSONParser.parse(response), let responses = v["methodResponses"]?.arrayValue else { return nil }
        var changed = false
        v["methodResponses"] = .array(responses.map { r in
            guard r[0]?.stringValue == "PushSubscription/get", case .array(var parts) = r, parts.count == 3,
                case .object(var args) = parts[1], let list = args["list"]?.arrayValue
            else { return r }
            args["list"] = .array(list.map { sub in
                guard let url = sub["url"]?.stringValue, let token = token(inCallbackURL: url), let original = clientURL(token)
                else { return sub }
                changed = true
                var s = sub
                s["url"] = .string(original)
                return s
            })
            parts[1] = .object(args)
            return .array(parts)
        })
        return changed ? v.serialized() : nil
    }

    /// Whether a request body calls `PushSubscription/get` (a cheap look before parsing answers).
    /// Whether a method name in `body` can be a `PushSubscription/…` one: it says
    /// `PushSubscription`, or has a `\u` escape that could spell it. Most requests do
    /// neither and are spared a parse (replay looks at every request).
    static func mayNamePushSubscription(_ body: [UInt8]) -> Bool {
        body.withUnsafeBufferPointer { b in
            var from = 0
            while let i = ByteSearch.first(UInt8(ascii: "P"), orElse: UInt8(ascii: "\\"), in: b, from: from, to: b.count) {
                if b[i] == UInt8(ascii: "\\") {
                    if i + 1 < b.count, b[i + 1] == UInt8(ascii: "u") { return true }
                    from = i + 2
                    continue
                }
                if b.count - i >= pushSubscription.count, pushSubscription.indices.allSatisfy({ b[i + $0] == pushSubscription[$0] }) {
                    return true
                }
                from = i + 1
            }
            return false
        }
    }

    private static let pushSubscription = Array("PushSubscription".utf8)

    public static func mentionsGet(_ body: [UInt8]) -> Bool {
        let needle = Array("PushSubscription/get".utf8)
        guard body.count >= needle.count else { return false }
        return (0...(body.count - needle.count)).contains { i in body[i..<(i + needle.count)].elementsEqual(needle) }
    }

    /// The token at the end of a relay callback URL, if `url` is one.
    public static func token(inCallbackURL url: String) -> String? {
        guard let (_, target) = originAndTarget(url), target.hasPrefix(callbackPrefix) else { return nil }
        let t = target.dropFirst(callbackPrefix.count).prefix { $0 != "?" && $0 != "/" }
        return t.isEmpty ? nil : String(t)
    }

    /// The origin and origin-form target of an absolute http(s) URL.
    public static func originAndTarget(_ url: String) -> (Origin, String)? {
        guard let origin = Origin(url: url), let colon = url.firstIndex(of: ":") else { return nil }
        let rest = url[url.index(after: colon)...].drop { $0 == "/" }
        let start = rest.firstIndex { c in c == "/" || c == "?" || c == "#" } ?? rest.endIndex
        var target = String(rest[start...].prefix { c in c != "#" })
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }
        return (origin, target)
    }
}
