/// Removes secrets before anything is written to a recording: credential headers become
/// `***`, user-chosen JSON paths are masked, and optionally e-mail addresses and names are
/// replaced by stable fakes (the same input gives the same fake across the whole file).
public struct Redactor: Sendable {
    /// JSON paths to mask (`$.accounts.*.name`, `$..bodyValues`).
    public var paths: [JSONPath]
    /// Replace e-mail addresses and names with fakes.
    public var pseudonymize: Bool
    private var emails: [String: String] = [:]
    private var names: [String: String] = [:]

    public init(paths: [JSONPath] = [], pseudonymize: Bool = false) {
        self.paths = paths
        self.pseudonymize = pseudonymize
    }

    /// Whether a header carries a credential.
    public static func isSecretHeader(_ name: String) -> Bool {
        // Runs for every header of every recorded exchange: compared without lowercasing.
        for secret in secretHeaderNames where HTTPHeaders.equalsIgnoringCase(name, secret) { return true }
        guard name.utf8.count >= 8, name.utf8.first.map({ $0 | 0x20 }) == UInt8(ascii: "x") else { return false }
        let n = name.lowercased()
        return n.hasPrefix("x-") && n.hasSuffix("-token")
    }

    private static let secretHeaderNames = ["authorization", "proxy-authorization", "cookie", "set-cookie"]

    /// Headers with credentials replaced by `***`.
    public static func redactHeaders(_ h: HTTPHeaders) -> HTTPHeaders {
        guard h.fields.contains(where: { isSecretHeader($0.name) }) else { return h }
        return HTTPHeaders(h.fields.map { isSecretHeader($0.name) ? HTTPField(name: $0.name, value: "***") : $0 })
    }

    /// A JSON body redacted (nil bodies and non-JSON bodies pass unchanged).
    public mutating func redactBody(_ body: [UInt8]?) -> [UInt8]? {
        guard let body, !paths.isEmpty || pseudonymize, var v = try? JSONParser.parse(body) else { return body }
        for p in paths { v = p.replacing(in: v, with: "***") }
        if pseudonymize { v = fake(v, key: nil) }
        return v.serialized()
    }

    /// An exchange with every secret removed.
    public mutating func redact(_ e: RecordedExchange) -> RecordedExchange {
        var e = e
        e.request.headers = Self.redactHeaders(e.request.headers)
        e.response.headers = Self.redactHeaders(e.response.headers)
        e.requestBody = redactBody(e.requestBody)
        e.responseBody = redactBody(e.responseBody)
        return e
    }

    private mutating func fake(_ v: JSONValue, key: String?) -> JSONValue {
        switch v {
        case .string(let s):
            if Self.looksLikeEmail(s) { return .string(fakeEmail(s)) }
            if let key, ["name", "username", "displayName"].contains(key), !s.isEmpty { return .string(fakeName(s)) }
            return v
        case .array(let a): return .array(a.map { fake($0, key: key) })
        case .object(let o):
            var out = JSONObject()
            for (k, x) in o {
                // Account ids keyed by address (some servers) are renamed too.
                let newKey = Self.looksLikeEmail(k) ? fakeEmail(k) : k
                out[newKey] = fake(x, key: k)
            }
            return .object(out)
        default: return v
        }
    }

    private mutating func fakeEmail(_ s: String) -> String {
        if let f = emails[s] { return f }
        let f = "user\(emails.count + 1)@example.invalid"
        emails[s] = f
        return f
    }

    private mutating func fakeName(_ s: String) -> String {
        if Self.looksLikeEmail(s) { return fakeEmail(s) }
        if let f = names[s] { return f }
        let f = "Person \(names.count + 1)"
        names[s] = f
        return f
    }

    static func looksLikeEmail(_ s: String) -> Bool {
        guard s.count < 255, let at = s.firstIndex(of: "@"), at != s.startIndex else { return false }
        let domain = s[s.index(after: at)...]
        return !domain.isEmpty && !s.contains(" ") && !domain.contains("@") && !domain.contains("/")
    }
}
