/// Enforces core limits (RFC 8620 §2, §3.6.1, §5.1, §5.3) on a request, the way a strict
/// server would: a request-level `limit` problem, or `requestTooLarge` for the calls that
/// ask for too many objects.
public enum LimitCheck {
    /// What a limit says about a request.
    public enum Verdict: Sendable, Equatable {
        /// Within every limit.
        case pass
        /// The whole request is refused with `urn:ietf:params:jmap:error:limit`.
        case requestLimit(String, detail: String)
        /// These calls get `requestTooLarge`.
        case callsTooLarge([Int: String])
    }

    /// Checks an API request of `size` bytes.
    public static func check(_ batch: JMAPBatch?, size: Int, limits: [String: Int]) -> Verdict {
        if let max = limits["maxSizeRequest"], size > max {
            return .requestLimit("maxSizeRequest", detail: "The request is \(size) bytes; the limit is \(max).")
        }
        guard let batch else { return .pass }
        if let max = limits["maxCallsInRequest"], batch.calls.count > max {
            return .requestLimit("maxCallsInRequest", detail: "The request has \(batch.calls.count) method calls; the limit is \(max).")
        }
        var tooLarge: [Int: String] = [:]
        for (i, c) in batch.calls.enumerated() {
            if c.name.hasSuffix("/get"), let max = limits["maxObjectsInGet"], let ids = c.arguments["ids"]?.arrayValue, ids.count > max {
                tooLarge[i] = "\(ids.count) ids asked for; maxObjectsInGet is \(max)."
            }
            if c.name.hasSuffix("/set"), let max = limits["maxObjectsInSet"] {
                let n = (c.arguments["create"]?.objectValue?.count ?? 0) + (c.arguments["update"]?.objectValue?.count ?? 0)
                    + (c.arguments["destroy"]?.arrayValue?.count ?? 0)
                if n > max { tooLarge[i] = "\(n) objects in one /set; maxObjectsInSet is \(max)." }
            }
        }
        return tooLarge.isEmpty ? .pass : .callsTooLarge(tooLarge)
    }

    /// The request-level problem for `limit` (RFC 8620 §3.6.1).
    public static func problem(limit: String, detail: String) -> ProblemDetails {
        ProblemDetails(type: "urn:ietf:params:jmap:error:limit", title: "Request limit exceeded", status: 400, detail: detail,
                       extra: JSONObject([("limit", .string(limit))]))
    }

    /// A request-level JMAP problem of `type` (`unknownCapability`, `notJSON`, `notRequest`).
    public static func requestProblem(_ type: String, detail: String) -> ProblemDetails {
        ProblemDetails(type: "urn:ietf:params:jmap:error:\(type)", title: "JMAP request error", status: 400, detail: detail)
    }
}
