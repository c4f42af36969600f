/// The small `key=value` language for fault rules, and its JSON-object twin.
///
///     call=Email/set action=method-error:serverFail nth=1
///     path=/jmap/api* action=status:503 retry-after=2 first=2
///     endpoint=download action=bandwidth:4096 probability=0.5
///
/// Keys: match `method path endpoint call account`; action `action` with `phase retry-after
/// op target index detail`; when `nth first every probability limit`.
public enum FaultSpec {
    /// A spec that cannot be read, said for a person.
    public struct SpecError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    static let matchKeys = ["method", "path", "endpoint", "call", "account"]
    static let whenKeys = ["nth", "first", "every", "probability", "limit"]
    static let actionKeys = ["action", "phase", "retry-after", "op", "target", "index", "detail"]
    static let allKeys = Set(matchKeys + whenKeys + actionKeys)

    /// The JMAP request-level error types (RFC 8620 §3.6.1).
    public static let requestErrorTypes = ["unknownCapability", "notJSON", "notRequest", "limit"]
    /// The core limits a rule can lower (RFC 8620 §2).
    public static let limitNames = [
        "maxSizeUpload", "maxConcurrentUpload", "maxSizeRequest", "maxConcurrentRequests", "maxCallsInRequest",
        "maxObjectsInGet", "maxObjectsInSet",
    ]

    /// Parses a spec line.
    public static func parse(_ text: String) throws -> FaultRule {
        var pairs: [(String, String)] = []
        for token in text.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            guard let eq = token.firstIndex(of: "=") else {
                throw SpecError("'\(token)' is not key=value (in fault '\(text)')")
            }
            pairs.append((String(token[..<eq]), String(token[token.index(after: eq)...])))
        }
        return try rule(from: pairs, source: text)
    }

    /// Reads a rule from a JSON object with the spec's keys (`{"call":"Email/set",
    /// "action":"method-error:serverFail","nth":1}`) or `{"spec":"…"}`.
    public static func parse(json: JSONValue) throws -> FaultRule {
        guard let o = json.objectValue else { throw SpecError("a fault rule must be a JSON object or a spec string") }
        if let s = o["spec"]?.stringValue { return try parse(s) }
        var pairs: [(String, String)] = []
        for (k, v) in o {
            switch v {
            case .string(let s): pairs.append((k, s))
            case .int(let n): pairs.append((k, String(n)))
            case .double(let d): pairs.append((k, String(d)))
            case .bool(let b): pairs.append((k, String(b)))
            default: throw SpecError("fault key '\(k)' must be a string or a number")
            }
        }
        return try rule(from: pairs, source: json.serializedString())
    }

    static func rule(from pairs: [(String, String)], source: String) throws -> FaultRule {
        var values: [String: String] = [:]
        for (k, v) in pairs {
            guard allKeys.contains(k) else {
                throw SpecError("unknown key '\(k)' in fault '\(source)'; keys are \(allKeys.sorted().joined(separator: ", "))")
            }
            guard values[k] == nil else { throw SpecError("key '\(k)' given twice in fault '\(source)'") }
            guard !v.isEmpty else { throw SpecError("key '\(k)' has no value in fault '\(source)'") }
            values[k] = v
        }
        guard let actionText = values["action"] else {
            throw SpecError("fault '\(source)' has no action=…; e.g. action=status:503 or action=method-error:serverFail")
        }
        var rule = FaultRule(action: try action(actionText, values: values), detail: values["detail"])
        rule.match = try match(values)
        rule.schedule = try schedule(values)
        if rule.action.isJMAPLevel, let e = rule.match.endpoint, e != .api {
            throw SpecError("action '\(rule.action.name)' works on JMAP API requests; endpoint=\(e.rawValue) never has calls")
        }
        if rule.action.isEventLevel, let e = rule.match.endpoint, e != .eventSource, e != .webSocket {
            throw SpecError("action '\(rule.action.name)' works on push events; use endpoint=eventsource or endpoint=websocket")
        }
        return rule
    }

    static func match(_ v: [String: String]) throws -> FaultMatch {
        var m = FaultMatch()
        m.method = v["method"]?.uppercased()
        m.path = v["path"].map(Glob.init)
        if let e = v["endpoint"] {
            guard let kind = EndpointKind(rawValue: e) else {
                throw SpecError("endpoint '\(e)' is not one of session, api, upload, download, eventsource, websocket")
            }
            m.endpoint = kind
        }
        m.call = v["call"].map(Glob.init)
        m.accountId = v["account"]
        return m
    }

    static func schedule(_ v: [String: String]) throws -> FaultSchedule {
        var s = FaultSchedule()
        s.nth = try v["nth"].map { try count($0, key: "nth") }
        s.first = try v["first"].map { try count($0, key: "first") }
        s.every = try v["every"].map { try count($0, key: "every") }
        s.limit = try v["limit"].map { try count($0, key: "limit") }
        if let p = v["probability"] {
            guard let d = Double(p), d >= 0, d <= 1 else { throw SpecError("probability must be between 0 and 1 (got '\(p)')") }
            s.probability = d
        }
        return s
    }

    static func count(_ text: String, key: String) throws -> Int {
        guard let n = Int(text), n >= 1 else { throw SpecError("\(key) must be a whole number ≥ 1 (got '\(text)')") }
        return n
    }

    static func action(_ text: String, values v: [String: String]) throws -> FaultAction {
        let name: Substring
        let arg: String?
        if let colon = text.firstIndex(of: ":") {
            name = text[..<colon]
            arg = String(text[text.index(after: colon)...])
        } else {
            name = Substring(text)
            arg = nil
        }
        func need(_ what: String) throws -> String {
            guard let arg, !arg.isEmpty else { throw SpecError("action=\(name) needs :\(what), e.g. \(example(String(name)))") }
            return arg
        }
        switch name {
        case "status":
            let a = try need("STATUS")
            guard let code = Int(a), (100...599).contains(code) else { throw SpecError("action=status takes an HTTP status 100–599 (got '\(a)')") }
            return .status(code, retryAfter: try v["retry-after"].map { try count($0, key: "retry-after") })
        case "delay":
            let a = try need("MILLISECONDS")
            let digits = a.hasSuffix("ms") ? String(a.dropLast(2)) : (a.hasSuffix("s") ? nil : a)
            let ms: Int? = digits.flatMap(Int.init) ?? (a.hasSuffix("s") && !a.hasSuffix("ms") ? Double(a.dropLast()).map { Int($0 * 1000) } : nil)
            guard let ms, ms >= 0 else { throw SpecError("action=delay takes milliseconds, e.g. delay:250 or delay:2s (got '\(a)')") }
            let phase = try v["phase"].map { p -> FaultAction.DelayPhase in
                guard let ph = FaultAction.DelayPhase(rawValue: p) else { throw SpecError("phase for delay is request or response (got '\(p)')") }
                return ph
            } ?? .request
            return .delay(ms: ms, phase: phase)
        case "reset": return .reset
        case "hang": return .hang
        case "truncate":
            let a = try need("BYTES")
            guard let n = Int(a), n >= 0 else { throw SpecError("action=truncate takes a byte count (got '\(a)')") }
            return .truncate(bytes: n)
        case "bandwidth":
            let a = try need("BYTES_PER_SECOND")
            guard let n = Int(a), n >= 1 else { throw SpecError("action=bandwidth takes bytes per second ≥ 1 (got '\(a)')") }
            return .bandwidth(bytesPerSecond: n)
        case "request-error":
            let a = try need("TYPE")
            guard requestErrorTypes.contains(a) else {
                throw SpecError("request-error is one of \(requestErrorTypes.joined(separator: ", ")) (got '\(a)')")
            }
            let limit = a == "limit" ? (v["target"] ?? "maxCallsInRequest") : nil
            if let limit, !limitNames.contains(limit) { throw SpecError("target for request-error:limit is one of \(limitNames.joined(separator: ", "))") }
            return .requestError(type: a, limit: limit)
        case "method-error":
            let a = try need("TYPE")
            let phase = try v["phase"].map { p -> FaultAction.MethodPhase in
                guard let ph = FaultAction.MethodPhase(rawValue: p) else { throw SpecError("phase for method-error is before or after (got '\(p)')") }
                return ph
            } ?? .before
            return .methodError(type: a, phase: phase)
        case "set-error":
            let a = try need("TYPE")
            let op = try v["op"].map { o -> FaultAction.SetOperation in
                guard let op = FaultAction.SetOperation(rawValue: o) else { throw SpecError("op for set-error is create, update or destroy (got '\(o)')") }
                return op
            } ?? .create
            let index = try v["index"].map { t -> Int in
                guard let n = Int(t), n >= 0 else { throw SpecError("index must be a whole number ≥ 0 (got '\(t)')") }
                return n
            }
            return .setError(type: a, operation: op, target: v["target"], index: index)
        case "bump-session-state": return .bumpSessionState
        case "drop-capability": return .dropCapability(try need("CAPABILITY"))
        case "limit":
            let a = try need("NAME=VALUE")
            let parts = a.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, limitNames.contains(String(parts[0])), let n = Int(parts[1]), n >= 0 else {
                throw SpecError("action=limit takes NAME=VALUE with NAME one of \(limitNames.joined(separator: ", ")) (got '\(a)')")
            }
            return .limit(name: String(parts[0]), value: n)
        case "drop-event": return .dropEvent
        case "duplicate-event": return .duplicateEvent
        case "delay-event":
            let a = try need("MILLISECONDS")
            guard let ms = Int(a.hasSuffix("ms") ? String(a.dropLast(2)) : a), ms >= 0 else {
                throw SpecError("action=delay-event takes milliseconds, e.g. delay-event:250 (got '\(a)')")
            }
            return .delayEvent(ms: ms)
        case "cut-after":
            let a = try need("EVENTS")
            guard let n = Int(a), n >= 0 else { throw SpecError("action=cut-after takes a number of events (got '\(a)')") }
            return .cutAfter(events: n)
        default:
            throw SpecError("unknown action '\(name)'; actions are \(actionNames.joined(separator: ", "))")
        }
    }

    static func example(_ name: String) -> String {
        actions.first { $0.name == name }?.example ?? "action=\(name)"
    }

    /// The action part as written after `action=`.
    static func actionWords(_ a: FaultAction) -> String {
        switch a {
        case .status(let code, _): "status:\(code)"
        case .delay(let ms, _): "delay:\(ms)"
        case .reset: "reset"
        case .hang: "hang"
        case .truncate(let n): "truncate:\(n)"
        case .bandwidth(let n): "bandwidth:\(n)"
        case .requestError(let t, _): "request-error:\(t)"
        case .methodError(let t, _): "method-error:\(t)"
        case .setError(let t, _, _, _): "set-error:\(t)"
        case .bumpSessionState: "bump-session-state"
        case .dropCapability(let c): "drop-capability:\(c)"
        case .limit(let n, let v): "limit:\(n)=\(v)"
        case .dropEvent: "drop-event"
        case .duplicateEvent: "duplicate-event"
        case .delayEvent(let ms): "delay-event:\(ms)"
        case .cutAfter(let n): "cut-after:\(n)"
        }
    }

    /// The rule as a spec line.
    public static func format(_ r: FaultRule) -> String {
        var parts: [String] = []
        if let m = r.match.method { parts.append("method=\(m)") }
        if let p = r.match.path { parts.append("path=\(p)") }
        if let e = r.match.endpoint { parts.append("endpoint=\(e.rawValue)") }
        if let c = r.match.call { parts.append("call=\(c)") }
        if let a = r.match.accountId { parts.append("account=\(a)") }
        parts.append("action=\(actionWords(r.action))")
        switch r.action {
        case .status(_, let retry?): parts.append("retry-after=\(retry)")
        case .delay(_, let phase) where phase != .request: parts.append("phase=\(phase.rawValue)")
        case .requestError("limit", let limit?): parts.append("target=\(limit)")
        case .methodError(_, let phase) where phase != .before: parts.append("phase=\(phase.rawValue)")
        case .setError(_, let op, let target, let index):
            if op != .create { parts.append("op=\(op.rawValue)") }
            if let target { parts.append("target=\(target)") }
            if let index { parts.append("index=\(index)") }
        default: break
        }
        let s = r.schedule
        if let n = s.nth { parts.append("nth=\(n)") }
        if let n = s.first { parts.append("first=\(n)") }
        if let n = s.every { parts.append("every=\(n)") }
        if let p = s.probability { parts.append("probability=\(p)") }
        if let n = s.limit { parts.append("limit=\(n)") }
        if let d = r.detail, !d.contains(" ") { parts.append("detail=\(d)") }
        return parts.joined(separator: " ")
    }
}
