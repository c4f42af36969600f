import JMAPRelay

/// Checks a document against the required fields and types of HAR 1.2
/// (http://www.softwareishard.com/blog/har-12-spec/): every required key present with the
/// right JSON type, optional keys typed when present. Returns one message per problem, each
/// with the JSON path where it was found; an empty list means the document is valid.
public enum HARValidator {
    public static func problems(_ doc: JSONValue) -> [String] {
        var v = Walker()
        guard let log = v.object(doc, "log", at: "$") else { return v.problems }
        v.string(log, "version", at: "$.log")
        if log["version"]?.stringValue.map({ $0 != "1.2" }) == true { v.fail("$.log.version: expected \"1.2\"") }
        if let creator = v.object(.object(log), "creator", at: "$.log") {
            v.string(creator, "name", at: "$.log.creator")
            v.string(creator, "version", at: "$.log.creator")
        }
        v.optionalString(log, "comment", at: "$.log")
        guard let entries = v.array(.object(log), "entries", at: "$.log") else { return v.problems }
        for (i, e) in entries.enumerated() { v.entry(e, at: "$.log.entries[\(i)]") }
        return v.problems
    }

    private struct Walker {
        var problems: [String] = []

        mutating func fail(_ s: String) { problems.append(s) }

        mutating func entry(_ e: JSONValue, at p: String) {
            guard let o = e.objectValue else { return fail("\(p): expected an object") }
            string(o, "startedDateTime", at: p)
            if let t = o["startedDateTime"]?.stringValue, ISOTimestamp.parse(t) == nil { fail("\(p).startedDateTime: not ISO 8601") }
            number(o, "time", at: p)
            if let req = object(e, "request", at: p) { request(req, at: p + ".request") }
            if let res = object(e, "response", at: p) { response(res, at: p + ".response") }
            _ = object(e, "cache", at: p)
            if let t = object(e, "timings", at: p) {
                for k in ["send", "wait", "receive"] { number(t, k, at: p + ".timings") }
                for k in ["blocked", "dns", "connect", "ssl"] where t[k] != nil { number(t, k, at: p + ".timings") }
            }
        }

        mutating func request(_ o: JSONObject, at p: String) {
            string(o, "method", at: p)
            string(o, "url", at: p)
            if let u = o["url"]?.stringValue, !(u.hasPrefix("http://") || u.hasPrefix("https://")) { fail("\(p).url: not absolute") }
            string(o, "httpVersion", at: p)
            pairs(o, "cookies", at: p)
            pairs(o, "headers", at: p)
            pairs(o, "queryString", at: p)
            if o["postData"] != nil, let pd = object(.object(o), "postData", at: p) {
                string(pd, "mimeType", at: p + ".postData")
                if pd["params"] == nil { string(pd, "text", at: p + ".postData") } else { pairs(pd, "params", at: p + ".postData") }
            }
            number(o, "headersSize", at: p)
            number(o, "bodySize", at: p)
        }

        mutating func response(_ o: JSONObject, at p: String) {
            number(o, "status", at: p)
            string(o, "statusText", at: p)
            string(o, "httpVersion", at: p)
            pairs(o, "cookies", at: p)
            pairs(o, "headers", at: p)
            if let c = object(.object(o), "content", at: p) {
                number(c, "size", at: p + ".content")
                string(c, "mimeType", at: p + ".content")
                optionalString(c, "text", at: p + ".content")
                optionalString(c, "encoding", at: p + ".content")
            }
            string(o, "redirectURL", at: p)
            number(o, "headersSize", at: p)
            number(o, "bodySize", at: p)
        }

        /// An array of `{name, value}` objects (headers, cookies, query strings, params).
        mutating func pairs(_ o: JSONObject, _ key: String, at p: String) {
            guard let a = array(.object(o), key, at: p) else { return }
            for (i, x) in a.enumerated() {
                guard let item = x.objectValue else { fail("\(p).\(key)[\(i)]: expected an object"); continue }
                string(item, "name", at: "\(p).\(key)[\(i)]")
                if key != "params" { string(item, "value", at: "\(p).\(key)[\(i)]") }
            }
        }

        mutating func object(_ v: JSONValue, _ key: String, at p: String) -> JSONObject? {
            guard let x = v[key] else { fail("\(p).\(key): required, missing"); return nil }
            guard let o = x.objectValue else { fail("\(p).\(key): expected an object"); return nil }
            return o
        }

        mutating func array(_ v: JSONValue, _ key: String, at p: String) -> [JSONValue]? {
            guard let x = v[key] else { fail("\(p).\(key): required, missing"); return nil }
            guard let a = x.arrayValue else { fail("\(p).\(key): expected an array"); return nil }
            return a
        }

        mutating func string(_ o: JSONObject, _ key: String, at p: String) {
            guard let x = o[key] else { return fail("\(p).\(key): required, missing") }
            if x.stringValue == nil { fail("\(p).\(key): expected a string") }
        }

        mutating func optionalString(_ o: JSONObject, _ key: String, at p: String) {
            if let x = o[key], x.stringValue == nil { fail("\(p).\(key): expected a string") }
        }

        mutating func number(_ o: JSONObject, _ key: String, at p: String) {
            guard let x = o[key] else { return fail("\(p).\(key): required, missing") }
            switch x {
            case .int(let n) where n >= -1: return
            case .double(let d) where d >= -1: return
            case .int, .double: fail("\(p).\(key): must be ≥ -1")
            default: fail("\(p).\(key): expected a number")
            }
        }
    }
}
