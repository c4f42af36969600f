import RelayCore

/// The callback tokens the relay has handed to the server in place of clients' webhook URLs
/// (RFC 8620 §7.2). A push is forwarded only for a token issued here, and only to the URL it
/// stands for: the callback endpoint is never an open relay.
final class PushCallbackRegistry: Sendable {
    private let urls = Locked<[String: String]>([:])
    /// Where each token is learned as a secret: it lets anyone push to the client.
    private let secrets: SecretScrubber

    init(secrets: SecretScrubber = .process) { self.secrets = secrets }

    /// A new token for the client's `url`: 128 random bits in hex.
    func issue(for url: String) -> String {
        var rng = SystemRandomNumberGenerator()
        let token = (0..<2).map { _ in
            let s = String(rng.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }.joined()
        secrets.learn(token)
        urls.withLock { $0[token] = url }
        return token
    }

    /// The client's URL for a token, if the relay issued it.
    func url(for token: String) -> String? { urls.withLock { $0[token] } }
}
