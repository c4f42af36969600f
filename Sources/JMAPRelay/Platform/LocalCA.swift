import Foundation

/// A certificate authority of the relay's own, made on first use in a directory and reused
/// afterwards, so that a client trusts the relay's https once: `ca.pem` is what it trusts,
/// `ca-key.pem` (mode 0600) signs the server certificate, `server.pem`/`server-key.pem`, which is
/// made again before it expires or when the names it must cover change.
public final class LocalCA: Sendable {
    /// The directory holding the files.
    public let directory: String
    /// The CA certificate.
    public let certificate: Certificate
    private let key: PrivateKey

    /// How long the CA lasts: long enough that a trusted CA does not need trusting again.
    static let authorityDays = 3650
    /// How long a server certificate lasts (under the 398 days some clients accept at most).
    static let serverDays = 365
    /// A server certificate is made again when it has less than this left.
    static let renewBefore: TimeInterval = 30 * 86_400

    /// The CA's certificate file: the one a client trusts.
    public var certificatePath: String { directory + "/ca.pem" }
    var keyPath: String { directory + "/ca-key.pem" }
    var serverPath: String { directory + "/server.pem" }
    var serverKeyPath: String { directory + "/server-key.pem" }
    /// The names the server certificate was made for, one a line.
    var serverNamesPath: String { directory + "/server.names" }

    /// Opens the CA in `directory`, making the directory (0700) and the CA if they are not there.
    public init(directory: String) throws(LocalCAError) {
        self.directory = directory
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if !files.fileExists(atPath: directory, isDirectory: &isDirectory) {
            do {
                try files.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw LocalCAError("cannot create the TLS directory \(directory): \(Self.reason(error))")
            }
        } else if !isDirectory.boolValue {
            throw LocalCAError("the TLS directory \(directory) is not a directory")
        }
        let caPath = directory + "/ca.pem", keyPath = directory + "/ca-key.pem"
        switch (files.fileExists(atPath: caPath), files.fileExists(atPath: keyPath)) {
        case (true, true):
            try Self.refuseOpenPermissions(keyPath)
            let cert: Certificate, key: PrivateKey
            do { cert = try Certificate(pem: Self.read(caPath)) } catch { throw LocalCAError("\(caPath) is not a PEM certificate: \(Self.reason(error))") }
            do { key = try PrivateKey(pem: Self.read(keyPath)) } catch { throw LocalCAError("\(keyPath) is not a PEM private key: \(Self.reason(error))") }
            guard cert.matches(key) else { throw LocalCAError("\(keyPath) is not the key of \(caPath); remove both to make a new CA") }
            guard cert.notAfter > Date() else { throw LocalCAError("the CA \(caPath) has expired; remove it and \(keyPath) to make a new one") }
            certificate = cert
            self.key = key
        case (false, false):
            do {
                key = try PrivateKey.generate()
                certificate = try Certificate.authority(commonName: "jmap-relay local CA", key: key, days: Self.authorityDays)
                // The key first: a CA file is never left without its key.
                try Self.write(key.pem(), to: keyPath, mode: 0o600)
                try Self.write(certificate.pem(), to: caPath, mode: 0o644)
            } catch let e as LocalCAError {
                throw e
            } catch {
                throw LocalCAError("cannot make the CA in \(directory): \(Self.reason(error))")
            }
        case (true, false):
            throw LocalCAError("\(caPath) has no key beside it (ca-key.pem); remove it to make a new CA")
        case (false, true):
            throw LocalCAError("\(keyPath) has no certificate beside it (ca.pem); remove it to make a new CA")
        }
    }

    /// A server certificate for `names` and its key: the one on disk when it covers exactly
    /// these names and has time left, else a new one, saved for the next run.
    public func serverIdentity(names: [String], now: Date = Date()) throws(LocalCAError) -> (certificate: Certificate, key: PrivateKey) {
        let wanted = names.joined(separator: "\n") + "\n"
        if let existing = try? loadServerIdentity(), let saved = try? String(contentsOfFile: serverNamesPath, encoding: .utf8),
            saved == wanted, existing.certificate.isSigned(by: certificate), existing.certificate.matches(existing.key),
            existing.certificate.notAfter.timeIntervalSince(now) > Self.renewBefore
        {
            return existing
        }
        do {
            let key = try PrivateKey.generate()
            let cert = try Certificate.server(names: names, key: key, issuer: certificate, issuerKey: self.key, days: Self.serverDays)
            try Self.write(key.pem(), to: serverKeyPath, mode: 0o600)
            try Self.write(cert.pem(), to: serverPath, mode: 0o644)
            try Self.write(Array(wanted.utf8), to: serverNamesPath, mode: 0o644)
            return (cert, key)
        } catch let e as LocalCAError {
            throw e
        } catch {
            throw LocalCAError("cannot make the server certificate in \(directory): \(Self.reason(error))")
        }
    }

    /// A TLS server context presenting a server certificate for `names`, with the CA in its chain.
    public func serverContext(names: [String]) throws(LocalCAError) -> TLSServerContext {
        let identity = try serverIdentity(names: names)
        do {
            return try TLSServerContext(certificate: identity.certificate, key: identity.key, chain: [certificate])
        } catch {
            throw LocalCAError("cannot serve TLS: \(Self.reason(error))")
        }
    }

    private func loadServerIdentity() throws -> (certificate: Certificate, key: PrivateKey) {
        try Self.refuseOpenPermissions(serverKeyPath)
        return (try Certificate(pem: Self.read(serverPath)), try PrivateKey(pem: Self.read(serverKeyPath)))
    }

    /// A private key that others may read is refused rather than used.
    private static func refuseOpenPermissions(_ path: String) throws(LocalCAError) {
        let mode: Int
        do {
            mode = try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? 0
        } catch {
            throw LocalCAError("cannot read \(path): \(reason(error))")
        }
        guard mode & 0o077 == 0 else {
            throw LocalCAError("\(path) is open to group or others (mode \(String(mode & 0o777, radix: 8))); run chmod 600 on it")
        }
    }

    private static func read(_ path: String) throws -> [UInt8] {
        guard FileManager.default.isReadableFile(atPath: path), let data = FileManager.default.contents(atPath: path) else {
            throw LocalCAError("cannot read \(path)")
        }
        return Array(data)
    }

    /// Writes through a temporary file and a rename, so a reader never sees half a file.
    private static func write(_ bytes: [UInt8], to path: String, mode: Int) throws {
        let temporary = path + ".new"
        try? FileManager.default.removeItem(atPath: temporary)
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: mode]) else {
            throw LocalCAError("cannot write \(path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            try handle.write(contentsOf: Data(bytes))
            try handle.close()
        } catch {
            throw LocalCAError("cannot write \(path): \(reason(error))")
        }
        guard rename(temporary, path) == 0 else { throw LocalCAError("cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    private static func reason(_ error: any Error) -> String {
        if let e = error as? LocalCAError { return e.message }
        if let e = error as? OpenSSLError { return e.reason }
        if let e = error as? CocoaError, let underlying = e.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return "\(error)"
    }
}
