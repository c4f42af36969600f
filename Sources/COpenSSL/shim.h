#ifndef JMAP_RELAY_COPENSSL_SHIM_H
#define JMAP_RELAY_COPENSSL_SHIM_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/bn.h>

/// SNI: `SSL_set_tlsext_host_name` is a macro and does not import into Swift.
static inline long relay_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}

/// `SSL_CTX_set_min_proto_version` is a macro too.
static inline long relay_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_min_proto_version(ctx, version);
}

/// `EVP_EC_gen` is a macro over a variadic function; neither imports into Swift.
static inline EVP_PKEY *relay_EVP_EC_gen(const char *curve) {
    return EVP_EC_gen(curve);
}

/// `SSL_CTX_add0_chain_cert` is a macro over `SSL_CTX_ctrl`.
static inline long relay_SSL_CTX_add0_chain_cert(SSL_CTX *ctx, X509 *cert) {
    return SSL_CTX_add0_chain_cert(ctx, cert);
}
#endif
