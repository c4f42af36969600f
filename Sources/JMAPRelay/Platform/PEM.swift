import COpenSSL

/// PEM text to and from OpenSSL objects through a memory BIO.
enum PEM {
    static func read(_ pem: [UInt8], what: String, _ parse: (OpaquePointer) -> OpaquePointer?) throws -> OpaquePointer {
        ERR_clear_error()
        let object: OpaquePointer? = pem.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(clamping: raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return parse(bio)
        }
        guard let object else { throw OpenSSLError("not a PEM \(what)") }
        return object
    }

    static func write(what: String, _ emit: (OpaquePointer) -> Int32) throws -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLError("cannot write the \(what)") }
        defer { BIO_free(bio) }
        guard emit(bio) == 1 else { throw OpenSSLError("cannot write the \(what)") }
        let count = Int(BIO_ctrl_pending(bio))
        var out = [UInt8](repeating: 0, count: count)
        let n = out.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(count)) }
        guard Int(n) == count else { throw OpenSSLError("cannot write the \(what)") }
        return out
    }
}
