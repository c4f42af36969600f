/// An RFC 7807 problem body (`application/problem+json`), the shape JMAP uses for
/// request-level errors and the relay uses for its own failures.
public struct ProblemDetails: Sendable, Equatable {
    /// A URI naming the kind of problem; the relay's own use `urn:jmap-relay:error:…`.
    public var type: String
    /// A short summary.
    public var title: String
    /// The HTTP status.
    public var status: Int
    /// What happened this time, for a person.
    public var detail: String
    /// Extra members (e.g. `upstream`, `limit`).
    public var extra: JSONObject

    public init(type: String, title: String, status: Int, detail: String, extra: JSONObject = JSONObject()) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.extra = extra
    }

    /// A problem of the relay's own kind `urn:jmap-relay:error:<name>`.
    public static func relay(_ name: String, title: String, status: Int, detail: String, extra: JSONObject = JSONObject())
        -> ProblemDetails
    {
        ProblemDetails(type: "urn:jmap-relay:error:\(name)", title: title, status: status, detail: detail, extra: extra)
    }

    /// The JSON object.
    public var json: JSONValue {
        var o = JSONObject()
        o["type"] = .string(type)
        o["title"] = .string(title)
        o["status"] = .int(status)
        o["detail"] = .string(detail)
        for (k, v) in extra { o[k] = v }
        return .object(o)
    }

    /// The body bytes.
    public var body: [UInt8] { json.serialized() }

    /// The content type to send it with.
    public static let contentType = "application/problem+json"
}

extension ProblemDetails {
    /// 400/413/431 for a request the codec refused.
    public static func malformedRequest(_ error: HTTPParseError) -> ProblemDetails {
        .relay(
            "malformed-request", title: HTTPStatus.reason(for: error.status), status: error.status,
            detail: "The relay could not accept this request: \(error). The connection is closed.")
    }

    /// 408 for a client whose request head did not arrive within the head timeout.
    public static func headTimedOut(_ timeout: Duration) -> ProblemDetails {
        .relay(
            "request-timeout", title: "Request Timeout", status: 408,
            detail: "The request head did not arrive within \(timeout). The connection is closed.")
    }

    /// 502/504 when the upstream gave no answer.
    public static func upstreamFailed(_ error: UpstreamError) -> ProblemDetails {
        let title = error.kind == .timeout ? "Upstream timed out" : "Upstream unreachable"
        var extra = JSONObject()
        extra["upstream"] = .string(error.origin)
        extra["cause"] = .string(error.kind.rawValue)
        return .relay(
            "upstream-\(error.kind.rawValue)", title: title, status: error.status,
            detail: "\(error.origin): \(error.detail)", extra: extra)
    }

    /// 403 for a target the relay will not forward (it is not an open proxy).
    public static func forbiddenTarget(_ target: String) -> ProblemDetails {
        .relay(
            "forbidden-target", title: "Forbidden", status: 403,
            detail: "The relay forwards only to the configured upstream and the origins its session names; "
                + "'\(target.prefix(200))' is neither.")
    }
}
