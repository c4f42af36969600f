/// Turns recorded exchanges into a HAR 1.2 log (the format browsers' network panels and
/// Charles/Fiddler read). Pure: the caller supplies the exchanges, the recording's start time
/// and the creator; the result is a `JSONValue` to serialise.
///
/// Credentials never reach the file: `Authorization`, `Cookie`, `Set-Cookie` and other
/// secret headers are masked to `***` here even though recordings already redact them, and
/// the `cookies` lists stay empty. Bodies that are not text go out as base64 with
/// `"encoding": "base64"` (standard for `content`, an extension for `postData`).
public struct HARExporter: Sendable {
    /// `log.creator.name`.
    public var creatorName: String
    /// `log.creator.version`.
    public var creatorVersion: String

    public init(creatorName: String = "jmap-relay", creatorVersion: String) {
        self.creatorName = creatorName
        self.creatorVersion = creatorVersion
    }

    /// The HAR document for a whole recording.
    public func har(_ recording: Recording) -> JSONValue {
        har(recording.exchanges, created: recording.header.created)
    }

    /// The HAR document for `exchanges`; `created` is the ISO 8601 time `tMs` counts from,
    /// `comment` goes into `log.comment`.
    public func har(_ exchanges: [RecordedExchange], created: String, comment: String? = nil) -> JSONValue {
        let base = ISOTimestamp.parse(created) ?? 0
        var log = JSONObject()
        log["version"] = "1.2"
        log["creator"] = ["name": .string(creatorName), "version": .string(creatorVersion)]
        log["entries"] = .array(exchanges.map { entry($0, startedMs: base + $0.tMs) })
        if let comment { log["comment"] = .string(comment) }
        return ["log": .object(log)]
    }

    /// One `entries[]` item.
    public func entry(_ e: RecordedExchange, startedMs: Int) -> JSONValue {
        var o = JSONObject()
        o["startedDateTime"] = .string(ISOTimestamp.format(msSinceEpoch: startedMs))
        o["time"] = .int(e.durationMs)
        o["request"] = request(e)
        o["response"] = response(e)
        o["cache"] = .object(JSONObject())
        o["timings"] = ["send": 0, "wait": .int(e.durationMs), "receive": 0]
        o["_seq"] = .int(e.seq)
        o["_endpoint"] = .string(e.kind.rawValue)
        return .object(o)
    }

    private func request(_ e: RecordedExchange) -> JSONValue {
        var o = JSONObject()
        o["method"] = .string(e.request.method)
        o["url"] = .string(e.request.target.hasPrefix("/") ? e.origin.httpBase + e.request.target : e.request.target)
        o["httpVersion"] = .string(e.request.version.description)
        o["cookies"] = []
        o["headers"] = Self.headers(e.request.headers)
        o["queryString"] = .array(Self.queryString(e.request.query).map { ["name": .string($0.0), "value": .string($0.1)] })
        if let body = e.requestBody, !body.isEmpty {
            let mime = e.request.headers["content-type"]
            var p: JSONObject = ["mimeType": .string(mime ?? "application/octet-stream")]
            Self.putText(body, mime: mime ?? "", into: &p)
            o["postData"] = .object(p)
        }
        o["headersSize"] = -1
        o["bodySize"] = .int(e.requestBody?.count ?? 0)
        return .object(o)
    }

    private func response(_ e: RecordedExchange) -> JSONValue {
        let body = e.responseBody ?? []
        let mime = e.response.headers["content-type"]
        var content: JSONObject = ["size": .int(body.count), "mimeType": .string(mime ?? (body.isEmpty ? "" : "application/octet-stream"))]
        if !body.isEmpty { Self.putText(body, mime: mime ?? "", into: &content) }
        var o = JSONObject()
        o["status"] = .int(e.response.status)
        o["statusText"] = .string(e.response.reason)
        o["httpVersion"] = .string(e.response.version.description)
        o["cookies"] = []
        o["headers"] = Self.headers(e.response.headers)
        o["content"] = .object(content)
        o["redirectURL"] = .string(e.response.headers["location"] ?? "")
        o["headersSize"] = -1
        o["bodySize"] = .int(body.count)
        return .object(o)
    }

    /// Headers as `[{name, value}]`, secrets masked.
    static func headers(_ h: HTTPHeaders) -> JSONValue {
        .array(Redactor.redactHeaders(h).fields.map { ["name": .string($0.name), "value": .string($0.value)] })
    }

    /// `text`, plus `encoding: base64` when the bytes are not readable text; `mime` is the
    /// declared type ("" when none was sent, and then the bytes decide).
    static func putText(_ body: [UInt8], mime: String, into o: inout JSONObject) {
        if isText(body, mime: mime) {
            o["text"] = .string(String(decoding: body, as: UTF8.self))
        } else {
            o["text"] = .string(Base64.encode(body))
            o["encoding"] = "base64"
        }
    }

    /// Whether `body` can go into HAR as text: valid UTF-8 without control characters other
    /// than tab and line breaks, and not of a media type that is binary by nature.
    static func isText(_ body: [UInt8], mime: String) -> Bool {
        let m = mime.lowercased()
        for binary in ["image/", "audio/", "video/", "application/octet-stream", "application/zip", "application/pdf", "font/"]
        where m.hasPrefix(binary) { return false }
        if body.contains(where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) { return false }
        return String(validating: body, as: UTF8.self) != nil
    }

    /// The query's `name=value` pairs, percent-decoded (`+` is kept: JMAP URLs are not forms).
    static func queryString(_ query: Substring?) -> [(String, String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            if let eq = pair.firstIndex(of: "=") {
                return (percentDecoded(pair[..<eq]), percentDecoded(pair[pair.index(after: eq)...]))
            }
            return (percentDecoded(pair), "")
        }
    }

    /// `%2F` → `/`; malformed escapes are left as they are.
    static func percentDecoded(_ s: Substring) -> String {
        let b = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 65...70: return c - 55
            case 97...102: return c - 87
            default: return nil
            }
        }
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
