/// The HTTP side of a WebSocket upgrade (RFC 6455 §4): the accept value and the parts of the
/// offer the relay changes.
public enum WebSocketHandshake {
    /// The GUID RFC 6455 appends to the client's key.
    public static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key`: base64(SHA-1(key + GUID)).
    /// - Parameters:
    ///   - key: the client's `Sec-WebSocket-Key`, as sent.
    ///   - sha1: a SHA-1 function (the pure core has no digest of its own).
    public static func acceptValue(forKey key: String, sha1: ([UInt8]) -> [UInt8]) -> String {
        Base64.encode(sha1(Array((key.trimmingASCIIWhitespace() + guid).utf8)))
    }

    /// Whether a head asks for (or agrees to) the `websocket` protocol.
    public static func isWebSocket(_ headers: HTTPHeaders) -> Bool {
        headers.hasToken("websocket", for: "upgrade")
    }

    /// Removes `permessage-deflate` from a client's `Sec-WebSocket-Extensions` offer before it
    /// goes upstream. Compressed frames could not be read for the trace, and a server may only
    /// accept what was offered, so dropping the offer is the simplest correct choice: the two
    /// ends just talk uncompressed. Other extensions are kept.
    /// - Returns: whether anything was removed.
    @discardableResult
    public static func stripCompression(_ headers: inout HTTPHeaders) -> Bool {
        let offers = headers.values(for: "sec-websocket-extensions")
            .flatMap { $0.split(separator: ",") }
            .map { String($0).trimmingASCIIWhitespace() }
            .filter { !$0.isEmpty }
        let kept = offers.filter { offer in
            let name = offer.split(separator: ";").first.map { String($0).trimmingASCIIWhitespace().lowercased() } ?? ""
            return name != "permessage-deflate" && name != "x-webkit-deflate-frame"
        }
        guard kept.count != offers.count else { return false }
        headers.remove("sec-websocket-extensions")
        if !kept.isEmpty { headers.add("Sec-WebSocket-Extensions", kept.joined(separator: ", ")) }
        return true
    }
}
