/// Replaces server-assigned ids and state strings in a recording by stable tokens, so that a
/// fixture re-recorded against a fresh server (new ids and states every time) comes out the
/// same. One table serves the whole file: each distinct value gets the next token of the kind
/// it was first seen as (`A1` accounts, `I1` object ids, `B1` blob ids, `S1` states) and keeps
/// it wherever it appears later — session, requests, answers, push, download and upload paths.
///
/// Only JMAP positions are rewritten (see `IdNormalizer+JMAP.swift`): a string is never
/// replaced because it happens to equal a known id. Creation ids, `#` references, header
/// values (`messageId`, `references`) and the `singleton` id stay as they are.
public struct IdNormalizer: Sendable {
    /// What a value is; the token's prefix.
    public enum Kind: String, Sendable, CaseIterable, Hashable {
        /// An account id: `A1`, `A2`…
        case account = "A"
        /// An object id (mailbox, email, thread, submission…): `I1`…
        case id = "I"
        /// A blob id: `B1`…
        case blob = "B"
        /// A state string (`state`, `sessionState`, `queryState`…): `S1`…
        case state = "S"
    }

    private var tokens: [String: String] = [:]
    private var counts: [Kind: Int] = [:]
    /// Path-and-query templates of the last session's download, upload and event-source URLs.
    var templates: [EndpointKind: String] = [:]
    /// While true, values that already look like tokens map to themselves (see `reserve`).
    private var reserving = false

    public init() {}

    /// Ids that are the same on every server (RFC 8621 VacationResponse), never replaced.
    static let constantIds: Set<String> = ["singleton"]

    /// The token already given to `value`, if any.
    public func token(for value: String) -> String? { tokens[value] }

    /// How many distinct values have a token.
    public var count: Int { tokens.count }

    /// How many tokens of `kind` were handed out.
    public func count(of kind: Kind) -> Int { counts[kind] ?? 0 }

    /// The token for `value`: its own if it has one, else the next of `kind`.
    public mutating func token(_ value: String, as kind: Kind) -> String {
        if let t = tokens[value] { return t }
        if reserving, let (k, n) = Self.parseToken(value) {
            counts[k] = max(counts[k] ?? 0, n)
            tokens[value] = value
            return value
        }
        let n = (counts[kind] ?? 0) + 1
        counts[kind] = n
        let t = kind.rawValue + String(n)
        tokens[value] = t
        return t
    }

    /// An id-like value (account, object or blob id) replaced; empty values, `#creationId`
    /// references and constant ids stay.
    mutating func id(_ s: String, _ kind: Kind) -> String {
        if s.isEmpty || s.hasPrefix("#") || Self.constantIds.contains(s) { return s }
        return token(s, as: kind)
    }

    /// A state string replaced (an empty one stays).
    mutating func state(_ s: String) -> String { s.isEmpty ? s : token(s, as: .state) }

    /// `A12` → (.account, 12); nil for anything that is not a token.
    static func parseToken(_ s: String) -> (Kind, Int)? {
        guard let first = s.first, let kind = Kind(rawValue: String(first)) else { return nil }
        let digits = s.dropFirst()
        guard !digits.isEmpty, digits.count < 10, digits.first != "0", digits.allSatisfy({ ("0"..."9").contains($0) }),
            let n = Int(digits)
        else { return nil }
        return (kind, n)
    }

    // MARK: Recording lines

    /// An exchange with its request target, request body and answer normalised, by endpoint:
    /// the session resource, API requests and answers, upload answers, download and upload
    /// paths. Bodies that do not change keep their exact bytes.
    public mutating func normalize(_ e: RecordedExchange) -> RecordedExchange {
        var e = e
        e.request.target = target(e.request.target, kind: e.kind)
        switch e.kind {
        case .session:
            e.responseBody = json(e.responseBody) { $0.session($1) }
        case .api:
            e.requestBody = json(e.requestBody) { $0.apiMessage($1) }
            e.responseBody = json(e.responseBody) { $0.apiMessage($1) }
        case .upload:
            // The request body is the uploaded file: never touched.
            e.responseBody = json(e.responseBody) { $0.data($1) }
        case .pushCallback:
            e.requestBody = json(e.requestBody) { $0.pushMessage($1) }
        case .download, .eventSource, .webSocket, .other:
            break
        }
        if let body = e.requestBody, e.request.headers.contains("content-length") {
            e.request.headers.set("Content-Length", String(body.count))
        }
        return e
    }

    /// A push message with its StateChange (or PushVerification) normalised.
    public mutating func normalize(_ p: RecordedPush) -> RecordedPush {
        var p = p
        if let event = p.event { p.event = pushMessage(event) }
        return p
    }

    /// A WebSocket request and answer normalised like API bodies (the client's request id stays).
    public mutating func normalize(_ p: RecordedWebSocketPair) -> RecordedWebSocketPair {
        var p = p
        p.request = apiMessage(p.request)
        p.response = apiMessage(p.response)
        return p
    }

    /// Takes the tokens a normalised recording already uses, so that exchanges appended to it
    /// (`--record-mode new`) continue the numbering: a value that looks like a token keeps
    /// itself, anything else gets a new token. The session's URL templates are learnt too.
    public mutating func reserve(_ recording: Recording) {
        reserving = true
        defer { reserving = false }
        for e in recording.exchanges.sorted(by: { $0.seq < $1.seq }) { _ = normalize(e) }
        for line in recording.otherLines {
            guard let o = line.objectValue else { continue }
            if let p = RecordedPush(json: o) { _ = normalize(p) }
            if let p = RecordedWebSocketPair(json: o) { _ = normalize(p) }
        }
    }

    /// A JSON body transformed by `f`; unchanged bytes when it is not JSON or nothing changed.
    private mutating func json(_ body: [UInt8]?, _ f: (inout IdNormalizer, JSONValue) -> JSONValue) -> [UInt8]? {
        guard let body, !body.isEmpty, let v = try? JSONParser.parse(body) else { return body }
        let out = f(&self, v)
        return out == v ? body : out.serialized()
    }
}
