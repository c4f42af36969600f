/// What counts as a credential, read where the relay meets it: request heads (headers and the
/// target's query), response heads (cookies set), `--auth-env`, and webhook callback tokens.
extension SecretScrubber {
    /// Query parameters that carry a token (an EventSource cannot set headers, so servers
    /// accept `?access_token=` instead).
    public static let secretQueryParameters = ["access_token", "token", "api_key"]

    /// Learns the credentials of a request: its credential headers and its query tokens.
    public func learn(request head: HTTPRequestHead) {
        learn(requestHeaders: head.headers)
        learnQuery(of: head.target)
    }

    /// `Authorization` and `Proxy-Authorization` (see `learn(authorization:)`), cookie values,
    /// and the values of `X-…-Token` headers.
    public func learn(requestHeaders headers: HTTPHeaders) {
        for f in headers.fields where Redactor.isSecretHeader(f.name) {
            if HTTPHeaders.equalsIgnoringCase(f.name, "cookie") {
                learn(cookies: f.value)
            } else if HTTPHeaders.equalsIgnoringCase(f.name, "set-cookie") {
                learn(setCookie: f.value)
            } else if HTTPHeaders.equalsIgnoringCase(f.name, "authorization")
                || HTTPHeaders.equalsIgnoringCase(f.name, "proxy-authorization")
            {
                learn(authorization: f.value)
            } else {
                learn(f.value)
            }
        }
    }

    /// The values of the cookies a response sets.
    public func learn(responseHeaders headers: HTTPHeaders) {
        for f in headers.fields where HTTPHeaders.equalsIgnoringCase(f.name, "set-cookie") { learn(setCookie: f.value) }
    }

    /// The whole value; for `Bearer`, the token; for `Basic`, the base64, the decoded
    /// `user:password` and the password; for another scheme, what follows it.
    public func learn(authorization value: String) {
        // Field values come trimmed from the parser; `--auth-env` may not.
        let padded = value.utf8.first.map { $0 == 0x20 || $0 == 0x09 } == true || value.utf8.last.map { $0 == 0x20 || $0 == 0x09 } == true
        let v = padded ? value.trimmingASCIIWhitespace() : value
        guard learn(v) else { return }  // seen before: its parts are known too
        guard let space = v.firstIndex(of: " ") else { return }
        let scheme = v[..<space]
        let credentials = v[v.index(after: space)...].trimmingASCIIWhitespace()
        learn(credentials)
        guard HTTPHeaders.equalsIgnoringCase(String(scheme), "basic"), let decoded = Base64.decode(credentials),
            let text = String(validating: decoded, as: UTF8.self)
        else { return }
        learn(text)
        if let colon = text.firstIndex(of: ":") { learn(text[text.index(after: colon)...]) }
    }

    /// Each value of a `Cookie` header (`a=1; b=2`).
    public func learn(cookies value: String) {
        for pair in value.split(separator: ";") { learnCookieValue(pair) }
    }

    /// The value of a `Set-Cookie` header (`name=value; Path=/; HttpOnly`).
    public func learn(setCookie value: String) {
        learnCookieValue(value.prefix { $0 != ";" })
    }

    /// The values of `access_token`, `token` and `api_key` in a target's query, as on the wire
    /// and percent-decoded.
    public func learnQuery(of target: String) {
        guard let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return }
        let query = target[target.index(after: q)...].prefix { $0 != "#" }
        guard query.utf8.count >= Self.minimumLength else { return }
        for pair in query.split(separator: "&") where Self.isSecretQueryPair(pair) {
            let raw = pair[pair.index(after: pair.firstIndex(of: "=")!)...]
            learn(raw)
            learn(HARExporter.percentDecoded(raw))
        }
    }

    /// `target` with the values of its token parameters replaced by `***`, as a recording
    /// stores them: replay matches a live request to its recorded twin on this form.
    public static func maskingQueryTokens(_ target: String) -> String {
        guard let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target }
        let pairs = target[target.index(after: q)...].split(separator: "&", omittingEmptySubsequences: false)
        guard pairs.contains(where: { isSecretQueryPair($0) }) else { return target }
        let masked = pairs.map { pair -> Substring in
            guard isSecretQueryPair(pair), let eq = pair.firstIndex(of: "=") else { return pair }
            return pair[...eq] + "***"
        }
        return target[...q] + masked.joined(separator: "&")
    }

    private static func isSecretQueryPair(_ pair: Substring) -> Bool {
        guard let eq = pair.utf8.firstIndex(of: UInt8(ascii: "=")) else { return false }
        // Told apart by length first: most queries name none of them, and then nothing is copied.
        let length = pair.utf8.distance(from: pair.startIndex, to: eq)
        guard secretQueryParameters.contains(where: { $0.utf8.count == length }) else { return false }
        let name = String(pair[..<eq])
        return secretQueryParameters.contains { HTTPHeaders.equalsIgnoringCase(name, $0) }
    }

    private func learnCookieValue(_ pair: Substring) {
        guard let eq = pair.firstIndex(of: "=") else { return }
        var v = pair[pair.index(after: eq)...].trimmingASCIIWhitespace()[...]
        if v.count >= 2, v.hasPrefix("\""), v.hasSuffix("\"") { v = v.dropFirst().dropLast() }
        learn(v)
    }
}
