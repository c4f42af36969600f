/// Minimal RFC 3986 reference handling that never percent-encodes or decodes, so RFC 6570
/// template variables (`{accountId}`, `?accept={type}`) survive byte for byte.
public enum URLReference {
    /// Splits an absolute URL into scheme (lowercased), authority and the rest (path, query).
    public static func split(_ url: String) -> (scheme: String, authority: String, rest: String)? {
        guard let colon = url.firstIndex(of: ":") else { return nil }
        let scheme = url[..<colon]
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
        else { return nil }
        let afterColon = url[url.index(after: colon)...]
        guard afterColon.hasPrefix("//") else { return (scheme.lowercased(), "", String(afterColon)) }
        let afterSlashes = afterColon.dropFirst(2)
        let authority = afterSlashes.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return (scheme.lowercased(), String(authority), String(afterSlashes.dropFirst(authority.count)))
    }

    /// Resolves `reference` against the absolute `base` (RFC 3986 §5.2, without dot-segment
    /// removal beyond `./` and `../` in relative paths).
    public static func resolve(_ reference: String, against base: String) -> String {
        guard let b = split(base) else { return reference }
        if let r = split(reference) {
            // A scheme with a host-less path (Cyrus' `wss:/jmap/ws/`): the path at the base's origin.
            if r.authority.isEmpty && !reference.contains("://") && ["http", "https", "ws", "wss"].contains(r.scheme) {
                return "\(b.scheme)://\(b.authority)" + (r.rest.hasPrefix("/") ? r.rest : "/" + r.rest)
            }
            return reference
        }
        if reference.hasPrefix("//") { return "\(b.scheme):" + reference }
        let origin = "\(b.scheme)://\(b.authority)"
        if reference.hasPrefix("/") { return origin + reference }
        let basePath = b.rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        if reference.isEmpty { return base }
        if reference.hasPrefix("?") { return origin + basePath + reference }
        var dir = basePath.isEmpty ? "/" : String(basePath[...basePath.lastIndex(of: "/")!])
        var rel = Substring(reference)
        while true {
            if rel.hasPrefix("./") { rel = rel.dropFirst(2); continue }
            if rel.hasPrefix("../") {
                rel = rel.dropFirst(3)
                if dir.count > 1 {
                    dir.removeLast()
                    dir = String(dir[...dir.lastIndex(of: "/")!])
                }
                continue
            }
            break
        }
        return origin + dir + rel
    }

    /// The origin of an absolute http(s)/ws(s) URL.
    public static func origin(of url: String) -> Origin? { Origin(url: url) }

    /// The path-and-query part of an absolute URL (`/` when empty).
    public static func pathAndQuery(of url: String) -> String {
        guard let s = split(url) else { return url }
        let r = s.rest.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return r.isEmpty ? "/" : (r.hasPrefix("?") ? "/" + r : r)
    }
}
