import COpenSSL
import Foundation

/// An X.509 certificate: made here (a CA, or a server leaf signed by one) or read from PEM.
/// Immutable once made, so it may be shared.
public final class Certificate: @unchecked Sendable {
    /// The `X509`, owned.
    let pointer: OpaquePointer

    private init(owning pointer: OpaquePointer) { self.pointer = pointer }

    deinit { X509_free(pointer) }

    /// A certificate read from PEM (the first one in the text).
    public convenience init(pem: [UInt8]) throws {
        let cert = try PEM.read(pem, what: "certificate") { PEM_read_bio_X509($0, nil, nil, nil) }
        self.init(owning: cert)
    }

    /// The certificate as PEM.
    public func pem() throws -> [UInt8] {
        try PEM.write(what: "certificate") { PEM_write_bio_X509($0, pointer) }
    }

    /// A self-signed certificate authority that may sign server certificates only
    /// (`pathlen:0`, key usage `keyCertSign`).
    public static func authority(commonName: String, key: PrivateKey, days: Int) throws -> Certificate {
        try make(subject: commonName, key: key, issuer: nil, issuerKey: key, days: days, extensions: [
            (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
            (NID_key_usage, "critical,keyCertSign,cRLSign"),
            (NID_subject_key_identifier, "hash"),
        ])
    }

    /// A server certificate for `names` (host names and IP addresses), signed by `issuer`.
    public static func server(names: [String], key: PrivateKey, issuer: Certificate, issuerKey: PrivateKey, days: Int) throws -> Certificate {
        let altNames = names.map { (isIPAddress($0) ? "IP:" : "DNS:") + $0 }.joined(separator: ",")
        return try make(subject: names.first ?? "localhost", key: key, issuer: issuer, issuerKey: issuerKey, days: days, extensions: [
            (NID_basic_constraints, "critical,CA:FALSE"),
            (NID_key_usage, "critical,digitalSignature"),
            (NID_ext_key_usage, "serverAuth"),
            (NID_subject_alt_name, altNames),
            (NID_subject_key_identifier, "hash"),
            (NID_authority_key_identifier, "keyid"),
        ])
    }

    private static func make(subject: String, key: PrivateKey, issuer: Certificate?, issuerKey: PrivateKey, days: Int,
                             extensions: [(Int32, String)]) throws -> Certificate {
        guard let x = X509_new() else { throw OpenSSLError("cannot make a certificate") }
        let cert = Certificate(owning: x)
        X509_set_version(x, 2)
        let serial = BN_new()
        defer { BN_free(serial) }
        // 127 random bits: unique serials without a counter to keep.
        guard BN_rand(serial, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1,
              BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) != nil else { throw OpenSSLError("cannot make a serial number") }
        // An hour of slack for clocks that run behind.
        X509_gmtime_adj(X509_getm_notBefore(x), -3600)
        X509_gmtime_adj(X509_getm_notAfter(x), days * 86_400)
        let name = X509_get_subject_name(x)
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, subject, -1, -1, 0)
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, "jmap-relay", -1, -1, 0)
        X509_set_issuer_name(x, issuer.map { X509_get_subject_name($0.pointer) } ?? name)
        X509_set_pubkey(x, key.pointer)
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.pointer ?? x, x, nil, nil, 0)
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw OpenSSLError("cannot add the certificate extension \(value)")
            }
            X509_add_ext(x, ext, -1)
            X509_EXTENSION_free(ext)
        }
        guard X509_sign(x, issuerKey.pointer, EVP_sha256()) > 0 else { throw OpenSSLError("cannot sign the certificate") }
        return cert
    }

    /// When the certificate stops being valid.
    public var notAfter: Date {
        var parts = tm()
        guard ASN1_TIME_to_tm(X509_get0_notAfter(pointer), &parts) == 1 else { return Date(timeIntervalSince1970: 0) }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    /// Whether the certificate is valid for this host name or IP address.
    public func covers(_ name: String) -> Bool {
        isIPAddress(name) ? X509_check_ip_asc(pointer, name, 0) == 1 : X509_check_host(pointer, name, name.utf8.count, 0, nil) == 1
    }

    /// Whether `issuer`'s key signed this certificate.
    public func isSigned(by issuer: Certificate) -> Bool {
        guard let key = X509_get0_pubkey(issuer.pointer) else { return false }
        return X509_verify(pointer, key) == 1
    }

    /// Whether the private key belongs to this certificate.
    public func matches(_ key: PrivateKey) -> Bool {
        X509_check_private_key(pointer, key.pointer) == 1
    }
}

/// IP addresses go into certificates and verification as addresses, not host names.
func isIPAddress(_ name: String) -> Bool {
    name.contains(":") || (!name.isEmpty && name.allSatisfy { $0.isNumber || $0 == "." })
}
