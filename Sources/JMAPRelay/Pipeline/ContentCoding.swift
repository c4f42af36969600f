import RelayCore

/// Undoes `Content-Encoding` when the relay must read a body (trace, session rewrite,
/// recording). What the client receives is unchanged unless the relay rewrote the body.
enum ContentCoding {
    /// The body as plain bytes, or nil when its coding is one the relay cannot undo.
    static func decodedForReading(_ bytes: [UInt8], headers: HTTPHeaders, limit: Int) -> [UInt8]? {
        guard headers.contains("content-encoding") else { return bytes }
        let codings = headers.tokens(for: "content-encoding").filter { $0 != "identity" }
        if codings.isEmpty { return bytes }
        guard codings.count == 1, ["gzip", "x-gzip", "deflate"].contains(codings[0]) else { return nil }
        // Some servers label a plain body as compressed (Cyrus does on event streams).
        if let first = bytes.first, first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return bytes }
        return try? Gzip.decompress(bytes, limit: limit)
    }
}
