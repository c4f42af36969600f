import RelayCore

extension WebSocketHandshake {
    /// `Sec-WebSocket-Accept` for a client's key, with OpenSSL's SHA-1.
    public static func acceptValue(forKey key: String) -> String {
        acceptValue(forKey: key, sha1: Digest.sha1)
    }
}
