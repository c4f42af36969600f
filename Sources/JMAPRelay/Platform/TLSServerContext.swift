import COpenSSL

/// One OpenSSL server `SSL_CTX` with a certificate and its key, shared by every TLS client
/// connection of a listener.
public final class TLSServerContext: @unchecked Sendable {
    // SSL_CTX is safe to share across threads once configured.
    let ctx: OpaquePointer

    /// A context serving `certificate` (followed by `chain`, the issuers a client may lack).
    public init(certificate: Certificate, key: PrivateKey, chain: [Certificate] = []) throws {
        guard let ctx = SSL_CTX_new(TLS_server_method()) else { throw OpenSSLError("cannot create a TLS server context") }
        self.ctx = ctx
        _ = relay_SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)
        ERR_clear_error()
        guard SSL_CTX_use_certificate(ctx, certificate.pointer) == 1 else { throw OpenSSLError("cannot use the server certificate") }
        for issuer in chain {
            // add0 takes ownership: hand it a reference of its own.
            X509_up_ref(issuer.pointer)
            guard relay_SSL_CTX_add0_chain_cert(ctx, issuer.pointer) == 1 else {
                X509_free(issuer.pointer)
                throw OpenSSLError("cannot add the CA to the certificate chain")
            }
        }
        guard SSL_CTX_use_PrivateKey(ctx, key.pointer) == 1, SSL_CTX_check_private_key(ctx) == 1 else {
            throw OpenSSLError("the server key does not match its certificate")
        }
    }

    deinit { SSL_CTX_free(ctx) }
}
