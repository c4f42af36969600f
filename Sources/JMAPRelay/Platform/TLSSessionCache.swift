import COpenSSL
import RelayCore

/// The newest resumable TLS session per origin, so that a new connection to the same origin
/// resumes instead of running a full handshake (one round trip and no certificate check).
final class TLSSessionCache: @unchecked Sendable {
    /// `SSL_SESSION` pointers, each holding one reference the cache owns.
    private let sessions = Locked<[String: OpaquePointer]>([:])
    private let limit = 256

    deinit {
        sessions.withLock { for s in $0.values { SSL_SESSION_free(s) } }
    }

    /// Puts the origin's session on `ssl`, if there is one.
    func resume(_ ssl: OpaquePointer, origin: String) {
        sessions.withLock { if let s = $0[origin] { SSL_set_session(ssl, s) } }
    }

    /// Keeps `ssl`'s session for the origin once it can be resumed (TLS 1.3 tickets arrive
    /// after the handshake). Returns whether it was kept.
    func save(_ ssl: OpaquePointer, origin: String) -> Bool {
        guard let session = SSL_get1_session(ssl) else { return false }
        guard SSL_SESSION_is_resumable(session) == 1 else {
            SSL_SESSION_free(session)
            return false
        }
        sessions.withLock {
            if let old = $0.updateValue(session, forKey: origin) { SSL_SESSION_free(old) }
            if $0.count > limit, let (key, s) = $0.first(where: { $0.key != origin }) {
                $0[key] = nil
                SSL_SESSION_free(s)
            }
        }
        return true
    }
}
