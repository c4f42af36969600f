/// An EventSource stream carries `Content-Encoding`: a compressed stream holds events back,
/// and Cyrus sends the header on a body that is not encoded at all.
public struct EventSourceContentEncodingRule: LintRule {
    public let id = "eventsource-content-encoding"
    public let level = LintLevel.warning
    public let section = "RFC 8620 §7.3"
    public let summary = "An EventSource (text/event-stream) response has a Content-Encoding, often a false one (Cyrus)."

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        guard exchange.raw.kind == .eventSource else { return [] }
        let codings = exchange.raw.response.headers.tokens(for: "content-encoding").filter { $0 != "identity" }
        guard !codings.isEmpty else { return [] }
        var message = "the event stream has Content-Encoding: \(codings.joined(separator: ", "))"
        if codings == ["gzip"], let body = exchange.raw.responseBody, body.count >= 2, body.prefix(2) != [0x1F, 0x8B] {
            message += ", but its body is not gzip (the header is false)"
        }
        return [finding(message, seq: exchange.seq)]
    }
}
