/// A recorded exchange with its JMAP parts parsed once, for every rule to read.
public struct LintExchange: Sendable {
    public let raw: RecordedExchange
    /// The request body as JSON, when it is JSON.
    public let requestJSON: JSONValue?
    /// The response body as JSON, when it is JSON.
    public let responseJSON: JSONValue?
    /// `methodCalls` of an API request.
    public let calls: [JMAPInvocation]
    /// `methodResponses` of an API response.
    public let responses: [JMAPInvocation]

    public init(_ raw: RecordedExchange) {
        self.raw = raw
        requestJSON = raw.requestBody.flatMap { $0.isEmpty ? nil : try? JSONParser.parse($0) }
        responseJSON = raw.responseBody.flatMap { $0.isEmpty ? nil : try? JSONParser.parse($0) }
        calls = JMAPInvocation.list(requestJSON?["methodCalls"])
        responses = JMAPInvocation.list(responseJSON?["methodResponses"])
    }

    public var seq: Int { raw.seq }
    public var status: Int { raw.response.status }

    /// An API request that carries a JMAP request object.
    public var isAPIRequest: Bool { raw.kind == .api && requestJSON?["methodCalls"] != nil }

    /// A successful session fetch with a JSON object body.
    public var isSessionResponse: Bool {
        raw.kind == .session && (200..<300).contains(status) && responseJSON?.objectValue != nil
    }

    /// The request's `using` capabilities.
    public var using: [String] { requestJSON?["using"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
}
