/// Why a TLS connection failed, for one line of a log or an error page.
public struct TLSEngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which part failed.
    public enum Kind: String, Sendable {
        /// The peer's certificate was refused: untrusted, expired, or for another name.
        case certificate
        /// The handshake failed otherwise (no shared protocol or cipher, the peer refused ours,
        /// bytes that are not TLS).
        case handshake
        /// A record after the handshake was bad.
        case protocolError
    }

    public var kind: Kind
    /// OpenSSL's reason ("Hostname mismatch", "wrong version number").
    public var detail: String

    public init(_ kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String {
        switch kind {
        case .certificate: "certificate verify failed: \(detail)"
        case .handshake: "TLS handshake failed: \(detail)"
        case .protocolError: "TLS error: \(detail)"
        }
    }
}
