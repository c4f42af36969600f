import COpenSSL

/// A failed OpenSSL call, with the library's own reason for a person to read.
public struct OpenSSLError: Error, Sendable, CustomStringConvertible {
    /// What the relay was doing ("cannot read the CA key").
    public var operation: String
    /// OpenSSL's reason ("bad decrypt", "no start line").
    public var reason: String

    public init(_ operation: String, reason: String = OpenSSLError.newestReason()) {
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "\(operation): \(reason)" }

    /// The reason of the newest error on this thread's OpenSSL queue, which it empties.
    public static func newestReason() -> String {
        var newest: UInt = 0
        while case let code = ERR_get_error(), code != 0 { newest = code }
        if newest == 0 { return "connection closed" }
        if let reason = ERR_reason_error_string(newest) { return String(cString: reason) }
        return "OpenSSL error \(newest)"
    }
}
