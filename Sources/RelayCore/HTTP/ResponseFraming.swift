/// How a response goes to the client: the head with its framing fields (Content-Length when
/// the length is known, chunked otherwise, close when neither can end the body) and whether
/// the connection serves another request after it. Decided here for every response the
/// relay writes.
public enum ResponseFraming {
    public struct Framing: Sendable, Equatable {
        /// The body goes in chunks.
        public var chunked: Bool
        /// The connection may serve another request once the body is written.
        public var keepAlive: Bool
        /// No body may follow this head (HEAD, 1xx, 204, 304).
        public var bodyless: Bool
    }

    /// Appends `head` to `out` with its framing fields; the fields kept are written as they
    /// are decided, without building another header list.
    /// - Parameters:
    ///   - knownLength: the body's length when known.
    ///   - truncated: the body will be cut short (a fault): the close is its end.
    ///   - request: the request answered; nil for a refusal before a request was understood.
    ///   - keepAlive: whether the connection may serve another request, as far as the caller
    ///     knows (the client asked to, the relay is not stopping, the request was read whole).
    public static func frame(_ head: HTTPResponseHead, knownLength: Int?, truncated: Bool = false, request: HTTPRequestHead?,
                             keepAlive: Bool, into out: inout [UInt8]) -> Framing {
        let status = head.status
        let upgrade = status == 101
        let bodyless = request?.method == "HEAD" || (100..<200).contains(status) || status == 204 || status == 304
        var chunked = false
        var keep = keepAlive && !upgrade
        out.reserveCapacity(out.count + 1024 + min(knownLength ?? 0, 256 * 1024))
        HTTPSerializer.writeStatusLine(head, version: .http11, into: &out)
        // The framing fields the writer sets itself are dropped as the fields are written.
        let dropLength = upgrade || !bodyless || status == 204 || (100..<200).contains(status)
        for f in head.headers.fields {
            switch f.name.utf8.count {
            case 17: if HTTPHeaders.equalsIgnoringCase(f.name, "transfer-encoding") { continue }
            case 14: if dropLength, HTTPHeaders.equalsIgnoringCase(f.name, "content-length") { continue }
            case 10: if !upgrade, HTTPHeaders.equalsIgnoringCase(f.name, "connection") { continue }
            default: break
            }
            HTTPSerializer.writeField(f.name, f.value, into: &out)
        }
        if !upgrade, !bodyless {
            if let n = knownLength {
                HTTPSerializer.writeContentLength(n, into: &out)
            } else if request?.version == .http10 || request == nil {
                keep = false
            } else {
                HTTPSerializer.writeField("Transfer-Encoding", "chunked", into: &out)
                chunked = true
            }
        }
        if truncated { keep = false }
        if !upgrade, !keep { HTTPSerializer.writeField("Connection", "close", into: &out) }
        HTTPSerializer.endHead(into: &out)
        return Framing(chunked: chunked, keepAlive: keep, bodyless: bodyless)
    }
}
