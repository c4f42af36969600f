import COpenSSL

/// A private key for certificates: EC P-256, quick to make and accepted by every TLS client in use.
/// Immutable once made, so it may be shared.
public final class PrivateKey: @unchecked Sendable {
    /// The `EVP_PKEY`, owned.
    let pointer: OpaquePointer

    private init(owning pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }

    /// A new random key.
    public static func generate() throws -> PrivateKey {
        guard let key = relay_EVP_EC_gen("P-256") else { throw OpenSSLError("cannot make a key") }
        return PrivateKey(owning: key)
    }

    /// A key read from PEM (unencrypted PKCS#8 or traditional).
    public convenience init(pem: [UInt8]) throws {
        let key = try PEM.read(pem, what: "private key") { PEM_read_bio_PrivateKey($0, nil, nil, nil) }
        self.init(owning: key)
    }

    /// The key as unencrypted PKCS#8 PEM.
    public func pem() throws -> [UInt8] {
        try PEM.write(what: "private key") { PEM_write_bio_PrivateKey($0, pointer, nil, nil, 0, nil, nil) }
    }
}
