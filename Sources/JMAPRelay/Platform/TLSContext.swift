import COpenSSL
import Foundation
import RelayCore

/// TLS settings for upstream connections.
public struct TLSClientConfiguration: Sendable, Equatable {
    /// A PEM file of CA certificates to trust in addition to the system's.
    public var caFile: String?
    /// Skip certificate and host-name verification (test servers only).
    public var insecure: Bool

    public init(caFile: String? = nil, insecure: Bool = false) {
        self.caFile = caFile
        self.insecure = insecure
    }
}

/// One OpenSSL `SSL_CTX` for a configuration, shared by every upstream connection.
public final class TLSContext: @unchecked Sendable {
    // SSL_CTX is safe to share across threads once configured.
    let ctx: OpaquePointer
    let configuration: TLSClientConfiguration
    /// Sessions to resume, per origin.
    let sessions = TLSSessionCache()

    public init(configuration: TLSClientConfiguration) throws {
        guard let ctx = SSL_CTX_new(TLS_client_method()) else {
            throw UpstreamError(.tls, origin: "-", detail: "cannot create TLS context: \(OpenSSLError.newestReason())")
        }
        self.ctx = ctx
        self.configuration = configuration
        _ = relay_SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)
        SSL_CTX_set_default_verify_paths(ctx)
        if let ca = configuration.caFile {
            guard SSL_CTX_load_verify_locations(ctx, ca, nil) == 1 else {
                SSL_CTX_free(ctx)
                throw UpstreamError(.tls, origin: "-", detail: "cannot load CA file \(ca): \(OpenSSLError.newestReason())")
            }
        }
        SSL_CTX_set_verify(ctx, configuration.insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nil)
    }

    deinit { SSL_CTX_free(ctx) }

    /// SNI for a host name, and the name or address the certificate must be valid for unless
    /// the configuration is insecure.
    func prepare(_ ssl: OpaquePointer, serverName: String) {
        let isIP = isIPAddress(serverName)
        if !isIP { _ = relay_SSL_set_tlsext_host_name(ssl, serverName) }
        guard !configuration.insecure else { return }
        if isIP {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), serverName)
        } else {
            SSL_set1_host(ssl, serverName)
        }
    }
}

