/// Finds method names, errors and SetError counts in JMAP bodies without building the JSON
/// tree: a tokenizer that walks the few members it needs and skips every other value. It runs
/// on every API exchange, so it allocates only the strings it returns.
public enum JMAPScanner {
    public static func scanRequest(_ body: [UInt8]) -> JMAPRequestSummary? {
        body.withUnsafeBytes { scanRequest($0) }
    }

    public static func scanResponse(_ body: [UInt8]) -> JMAPResponseSummary? {
        body.withUnsafeBytes { scanResponse($0) }
    }

    /// Method names and call ids of a request; nil when it is not a JMAP request object.
    public static func scanRequest(_ body: UnsafeRawBufferPointer) -> JMAPRequestSummary? {
        var c = JSONCursor(body)
        var out = JMAPRequestSummary()
        var sawCalls = false
        let ok = c.eachMember { c, key in
            switch key {
            case "methodCalls":
                sawCalls = true
                return c.eachElement { c in
                    c.eachElement { c, index in
                        if index == 0, let s = c.string() { out.methodNames.append(s); return true }
                        if index == 2, let s = c.string() { out.callIds.append(s); return true }
                        return c.skipValue()
                    }
                }
            default:
                return c.skipValue()
            }
        }
        return ok && sawCalls ? out : nil
    }

    /// Names, errors and SetError counts of a response, or the type of a problem body.
    public static func scanResponse(_ body: UnsafeRawBufferPointer) -> JMAPResponseSummary? {
        var c = JSONCursor(body)
        var out = JMAPResponseSummary()
        var sawResponses = false
        var topType: String?
        let ok = c.eachMember { c, key in
            switch key {
            case "methodResponses":
                sawResponses = true
                return c.eachElement { c in
                    var name = ""
                    var errorType: String?
                    return c.eachElement { c, index in
                        if index == 0, let s = c.string() {
                            name = s
                            out.methodNames.append(s)
                            return true
                        }
                        if index == 1 {
                            return c.eachMember { c, k in
                                if name == "error", k == "type", let t = c.string() { errorType = t; return true }
                                if name != "error", k == "notCreated" || k == "notUpdated" || k == "notDestroyed" {
                                    var n = 0
                                    let ok = c.peekNull() ? c.skipValue() : c.eachMember { c, _ in n += 1; return c.skipValue() }
                                    if k == "notCreated" { out.notCreated += n }
                                    else if k == "notUpdated" { out.notUpdated += n }
                                    else { out.notDestroyed += n }
                                    return ok
                                }
                                return c.skipValue()
                            }
                        }
                        if index == 2, name == "error", let s = c.string() {
                            out.errors.append(JMAPMethodErrorSummary(callId: s, type: errorType ?? "unknown"))
                            return true
                        }
                        return c.skipValue()
                    }
                }
            case "sessionState":
                if let s = c.string() { out.sessionState = s; return true }
                return c.skipValue()
            case "type":
                if let s = c.string() { topType = s; return true }
                return c.skipValue()
            default:
                return c.skipValue()
            }
        }
        guard ok else { return nil }
        if sawResponses { return out }
        guard let t = topType else { return nil }
        out.problemType = t
        return out
    }
}
