/// The server's `methodResponses` carry call ids the request did not send, or leave a call
/// without any response.
public struct ResponseCallIdMismatchRule: LintRule {
    public let id = "response-call-id-mismatch"
    public let level = LintLevel.error
    public let section = "RFC 8620 §3.4"
    public let summary = "A response's call ids are not the request's: an id the client never sent, or a call with no response."

    public init() {}

    public func check(_ exchange: LintExchange, in context: LintContext) -> [LintFinding] {
        guard exchange.isAPIRequest, exchange.responseJSON?["methodResponses"] != nil else { return [] }
        let sent = Set(exchange.calls.map(\.callId))
        let answered = Set(exchange.responses.map(\.callId))
        var findings: [LintFinding] = []
        var reported: Set<String> = []
        for response in exchange.responses where !sent.contains(response.callId) && reported.insert(response.callId).inserted {
            findings.append(finding("\(response.name) response has call id \"\(response.callId)\", which the request never sent",
                                    seq: exchange.seq, callId: response.callId))
        }
        for call in exchange.calls where !answered.contains(call.callId) && reported.insert(call.callId).inserted {
            findings.append(finding("\(call.name) call \"\(call.callId)\" got no response", seq: exchange.seq, callId: call.callId))
        }
        return findings
    }
}
