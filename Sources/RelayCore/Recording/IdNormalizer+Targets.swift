/// Ids in request targets: `{accountId}` and `{blobId}` of the session's download, upload and
/// event-source URL templates, in the path or the query.
extension IdNormalizer {
    /// Template variables that carry an id, and their kind.
    static let templateVariables: [String: Kind] = ["accountId": .account, "blobId": .blob]

    /// Remembers the path-and-query of the session's URL templates (absolute or relative).
    mutating func learnTemplates(_ session: JSONObject) {
        for (key, kind) in [("downloadUrl", EndpointKind.download), ("uploadUrl", .upload), ("eventSourceUrl", .eventSource)] {
            guard let url = session[key]?.stringValue else { continue }
            templates[kind] = url.contains("://") ? URLReference.pathAndQuery(of: url) : url
        }
    }

    /// An origin-form target with the ids its template names replaced; unchanged when no
    /// template is known for `kind` or the target does not fit it.
    public mutating func target(_ target: String, kind: EndpointKind) -> String {
        guard let template = templates[kind] else { return target }
        let (tPath, tQuery) = Self.splitQuery(template)
        let (path, query) = Self.splitQuery(target)
        var changed = false
        var outPath = path
        if let captures = Self.match(path: path, template: tPath) {
            var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            for c in captures.reversed() {
                guard let kind = Self.templateVariables[c.name] else { continue }
                var segment = segments[c.segment]
                let value = String(segment[c.range])
                let replacement = id(value, kind)
                if replacement != value {
                    segment.replaceSubrange(c.range, with: replacement)
                    segments[c.segment] = segment
                    changed = true
                }
            }
            outPath = segments.joined(separator: "/")
        }
        var outQuery = query
        if let query, let tQuery {
            let variables = Self.queryVariables(tQuery)
            let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
                guard let eq = pair.firstIndex(of: "="), let name = variables[String(pair[..<eq])],
                    let kind = Self.templateVariables[name]
                else { return String(pair) }
                let value = String(pair[pair.index(after: eq)...])
                let replacement = id(value, kind)
                if replacement == value { return String(pair) }
                changed = true
                return String(pair[...eq]) + replacement
            }
            outQuery = pairs.joined(separator: "&")
        }
        guard changed else { return target }
        return outPath + (outQuery.map { "?" + $0 } ?? "")
    }

    /// `/a?b` → (`/a`, `b`); a fragment is dropped.
    static func splitQuery(_ s: String) -> (path: String, query: String?) {
        let noFragment = s.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? s
        guard let q = noFragment.firstIndex(of: "?") else { return (noFragment, nil) }
        return (String(noFragment[..<q]), String(noFragment[noFragment.index(after: q)...]))
    }

    /// Query parameters whose whole value is one template variable: `accept={type}` → accept: type.
    static func queryVariables(_ query: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in query.split(separator: "&") {
            guard let eq = pair.firstIndex(of: "=") else { continue }
            let value = pair[pair.index(after: eq)...]
            if value.hasPrefix("{"), value.hasSuffix("}"), value.count > 2 { out[String(pair[..<eq])] = String(value.dropFirst().dropLast()) }
        }
        return out
    }

    /// A template variable found in a path: its name, the segment and the range in it.
    struct Capture {
        var name: String
        var segment: Int
        var range: Range<String.Index>
    }

    /// The variables of `template` in `path`, segment by segment (a trailing slash difference
    /// is tolerated); nil when the path does not fit. A variable runs up to the next literal
    /// text of its segment.
    static func match(path: String, template: String) -> [Capture]? {
        var p = path.split(separator: "/", omittingEmptySubsequences: false)
        var t = template.split(separator: "/", omittingEmptySubsequences: false)
        if p.count == t.count + 1, p.last == "" { p.removeLast() }
        if t.count == p.count + 1, t.last == "" { t.removeLast() }
        guard p.count == t.count else { return nil }
        var captures: [Capture] = []
        for (i, (ps, ts)) in zip(p, t).enumerated() {
            guard let found = matchSegment(String(ps), String(ts)) else { return nil }
            captures += found.map { Capture(name: $0.name, segment: i, range: $0.range) }
        }
        return captures
    }

    /// One segment: literal text must match; `{name}` takes a non-empty run up to the next literal.
    private static func matchSegment(_ s: String, _ t: String) -> [(name: String, range: Range<String.Index>)]? {
        var out: [(name: String, range: Range<String.Index>)] = []
        var si = s.startIndex
        var ti = t.startIndex
        while ti < t.endIndex {
            if t[ti] == "{", let close = t[ti...].firstIndex(of: "}") {
                let name = String(t[t.index(after: ti)..<close])
                ti = t.index(after: close)
                // The literal that follows, up to the next variable.
                let literalEnd = t[ti...].firstIndex(of: "{") ?? t.endIndex
                let literal = t[ti..<literalEnd]
                let end: String.Index
                if literal.isEmpty {
                    end = s.endIndex
                } else {
                    var i = si
                    while i < s.endIndex, !s[i...].hasPrefix(literal) { i = s.index(after: i) }
                    guard i < s.endIndex else { return nil }
                    end = i
                }
                guard end > si else { return nil }
                out.append((name, si..<end))
                si = end
            } else {
                guard si < s.endIndex, s[si] == t[ti] else { return nil }
                si = s.index(after: si)
                ti = t.index(after: ti)
            }
        }
        return si == s.endIndex ? out : nil
    }
}
