/// The relay-side URL templates of a rewritten session, used to tell what a request is for.
public struct SessionEndpoints: Sendable, Equatable, Codable {
    public var api: String?
    public var upload: String?
    public var download: String?
    public var eventSource: String?
    public var webSocket: String?

    public init(api: String? = nil, upload: String? = nil, download: String? = nil, eventSource: String? = nil, webSocket: String? = nil) {
        self.api = api
        self.upload = upload
        self.download = download
        self.eventSource = eventSource
        self.webSocket = webSocket
    }

    /// Before any session was seen: only `/.well-known/jmap` is known.
    public static let fallback = SessionEndpoints()

    /// The kind of a request to `relayTarget` (origin-form) with `method`.
    public func kind(method: String, relayTarget: String) -> EndpointKind {
        let path = Self.pathOnly(relayTarget)
        if path == "/.well-known/jmap" { return .session }
        if method == "POST", let t = api, Self.matches(path: path, template: t) { return .api }
        if method == "POST", let t = upload, Self.matches(path: path, template: t) { return .upload }
        if method == "GET" || method == "HEAD", let t = download, Self.matches(path: path, template: t) { return .download }
        if method == "GET", let t = eventSource, Self.matches(path: path, template: t) { return .eventSource }
        if method == "GET", let t = webSocket, Self.matches(path: path, template: t) { return .webSocket }
        return .other
    }

    static func pathOnly(_ s: String) -> String {
        guard let i = s.utf8.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) else { return s }
        return String(s[..<i])
    }

    /// Whether `path` matches the path part of `template`; `{var}` matches a non-empty run
    /// up to the next literal. A trailing slash difference is tolerated. (Runs for every
    /// request: bytes are compared in place.)
    static func matches(path: String, template: String) -> Bool {
        var path = path
        var template = template
        return path.withUTF8 { p in
            template.withUTF8 { full in
                let end = full.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? full.count
                let t = UnsafeBufferPointer(rebasing: full[..<end])
                if !t.contains(UInt8(ascii: "{")) { return equalUpToTrailingSlash(p, t) }
                return matchTemplate(Array(p)[...], Array(t)[...])
            }
        }
    }

    /// `a == b`, or one is the other with a `/` added.
    private static func equalUpToTrailingSlash(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        switch long.count - short.count {
        case 0: return a.elementsEqual(b)
        case 1: return long[long.count - 1] == UInt8(ascii: "/") && short.elementsEqual(UnsafeBufferPointer(rebasing: long[..<short.count]))
        default: return false
        }
    }

    private static func matchTemplate(_ p: ArraySlice<UInt8>, _ t: ArraySlice<UInt8>) -> Bool {
        guard let tf = t.first else { return p.isEmpty || p.elementsEqual([UInt8(ascii: "/")]) }
        if tf == UInt8(ascii: "{") {
            guard let close = t.firstIndex(of: UInt8(ascii: "}")) else { return false }
            let rest = t[(close + 1)...]
            // A variable takes at least one byte and never a '/'.
            var i = p.startIndex
            while i < p.endIndex, p[i] != UInt8(ascii: "/") {
                i += 1
                if matchTemplate(p[i...], rest) { return true }
            }
            return false
        }
        guard let pf = p.first, pf == tf else { return false }
        return matchTemplate(p.dropFirst(), t.dropFirst())
    }
}
