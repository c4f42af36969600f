import RelayCore

/// How a response goes to the client: the head with its framing fields (Content-Length when
/// the length is known, chunked otherwise, close when neither can end the body), decided
/// once for every response the relay writes.
enum ResponseFraming {
    struct Framing {
        var chunked: Bool
        var keepAlive: Bool
        var bodyless: Bool
    }

    /// Appends the head of `response` to `out` with its framing fields; the fields kept are
    /// written as they are decided, without building another header list.
    /// - Parameters:
    ///   - request: the request answered; nil for a refusal before a request was understood.
    ///   - keepAlive: whether the connection may serve another request, as far as the caller knows.
    static func frame(_ response: RelayResponse, request: HTTPRequestHead?, keepAlive: Bool, into out: inout [UInt8]) -> Framing {
        let head = response.head
        let status = head.status
        let upgrade = status == 101
        let bodyless = request?.method == "HEAD" || (100..<200).contains(status) || status == 204 || status == 304
        var chunked = false
        var keep = keepAlive && !upgrade
        let knownLength = response.body.knownLength
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
        if response.truncateAfter != nil { keep = false }
        if !upgrade, !keep { HTTPSerializer.writeField("Connection", "close", into: &out) }
        HTTPSerializer.endHead(into: &out)
        return Framing(chunked: chunked, keepAlive: keep, bodyless: bodyless)
    }
}
