/// A session URL is relative (`"/jmap/"`) or has no host (`"wss:/jmap/ws/"`), as Cyrus sends:
/// clients that take the URL as given cannot use it.
public struct SessionRelativeURLRule: LintRule {
    public let id = "session-relative-url"
    public let level = LintLevel.warning
    public let section = "RFC 8620 §2"
    public let summary = "apiUrl, downloadUrl, uploadUrl, eventSourceUrl or the WebSocket url is relative or has no host."

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        guard exchange.isSessionResponse, let session = exchange.responseJSON else { return [] }
        var urls: [(String, String)] = ["apiUrl", "downloadUrl", "uploadUrl", "eventSourceUrl"].compactMap { name in
            session[name]?.stringValue.map { (name, $0) }
        }
        if let ws = session["capabilities"]?[JMAPCapability.webSocket]?["url"]?.stringValue { urls.append(("WebSocket url", ws)) }
        return urls.compactMap { name, url in
            Self.problem(url).map { finding("\(name) \"\(url)\" \($0)", seq: exchange.seq) }
        }
    }

    /// Why `url` is not absolute, or nil when it is.
    static func problem(_ url: String) -> String? {
        guard let colon = url.firstIndex(of: ":"), !url[..<colon].isEmpty,
              url[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) else {
            return "is relative"
        }
        let rest = url[url.index(after: colon)...]
        guard rest.hasPrefix("//"), let host = rest.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false).first,
              !host.isEmpty else { return "has no host" }
        return nil
    }
}
