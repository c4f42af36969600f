/// Why bytes from a peer are not acceptable HTTP/1.1. Each case maps to the status the relay
/// answers with; the connection is closed afterwards (request smuggling is a security bug).
public enum HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request or status line is not `METHOD SP target SP HTTP/x.y` (or its response form).
    case badStartLine(String)
    /// A header line is malformed (no colon, space before the colon, control characters, folding).
    case badHeader(String)
    /// A line ended with a bare LF or contained a bare CR.
    case bareLineFeed
    /// The head is larger than the limit.
    case headTooLarge(limit: Int)
    /// The request or status line alone is longer than the head limit (a huge URI).
    case startLineTooLong(limit: Int)
    /// More header fields than the limit.
    case tooManyHeaders(limit: Int)
    /// `Content-Length` together with `Transfer-Encoding`.
    case lengthAndTransferEncoding
    /// Two different `Content-Length` values.
    case conflictingContentLength
    /// `Content-Length` is not a decimal number.
    case badContentLength(String)
    /// A transfer coding other than `chunked`.
    case unsupportedTransferEncoding(String)
    /// A chunk size line that is not hexadecimal, or too long.
    case badChunk(String)
    /// The body is larger than the limit.
    case bodyTooLarge(limit: Int)
    /// An HTTP version other than 1.0 or 1.1.
    case unsupportedVersion(String)
    /// The peer closed the connection in the middle of a message.
    case unexpectedEnd

    /// The status the relay answers a client with for this error.
    public var status: Int {
        switch self {
        case .headTooLarge, .tooManyHeaders: return 431
        case .startLineTooLong: return 414
        case .bodyTooLarge: return 413
        case .unsupportedTransferEncoding: return 501
        case .unsupportedVersion: return 505
        default: return 400
        }
    }

    public var description: String {
        switch self {
        case .badStartLine(let s): return "malformed start line: \(s)"
        case .badHeader(let s): return "malformed header: \(s)"
        case .bareLineFeed: return "line not terminated by CRLF (bare LF or CR)"
        case .headTooLarge(let n): return "header block larger than \(n) bytes"
        case .startLineTooLong(let n): return "request or status line longer than \(n) bytes"
        case .tooManyHeaders(let n): return "more than \(n) header fields"
        case .lengthAndTransferEncoding: return "both Content-Length and Transfer-Encoding"
        case .conflictingContentLength: return "conflicting Content-Length values"
        case .badContentLength(let s): return "invalid Content-Length '\(s)'"
        case .unsupportedTransferEncoding(let s): return "unsupported Transfer-Encoding '\(s)'"
        case .badChunk(let s): return "invalid chunk: \(s)"
        case .bodyTooLarge(let n): return "body larger than \(n) bytes"
        case .unsupportedVersion(let s): return "unsupported HTTP version '\(s)'"
        case .unexpectedEnd: return "connection closed in the middle of a message"
        }
    }
}

/// Limits a parser enforces on what a peer sends.
public struct HTTPParserLimits: Sendable, Equatable {
    /// Largest head (start line + headers) in bytes.
    public var maxHeadBytes: Int
    /// Most header fields.
    public var maxHeaderCount: Int
    /// Largest body in bytes, nil for no limit (bodies stream).
    public var maxBodyBytes: Int?

    public init(maxHeadBytes: Int = 64 * 1024, maxHeaderCount: Int = 100, maxBodyBytes: Int? = nil) {
        self.maxHeadBytes = maxHeadBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }
}
