import Glibc

/// A descriptor the relay writes its trace to (stdout), with the few platform calls that decide
/// whether an event loop may write to it itself without ever being parked.
struct OutputDescriptor: Sendable {
    /// What the descriptor is, asked once.
    enum Kind: Sendable, Equatable {
        /// A regular file or a character device such as /dev/null: a write never waits for a reader.
        case file
        /// A pipe or a socket: a write waits while the reader is behind.
        case pipe
        /// A terminal or anything else: a write may wait (flow control).
        case other
    }

    let fd: Int32
    let kind: Kind

    init(fd: Int32) {
        self.fd = fd
        var st = stat()
        if fstat(fd, &st) != 0 {
            kind = .other
        } else if isatty(fd) == 0, (st.st_mode & S_IFMT) == S_IFREG || (st.st_mode & S_IFMT) == S_IFCHR {
            kind = .file
        } else if (st.st_mode & S_IFMT) == S_IFIFO || (st.st_mode & S_IFMT) == S_IFSOCK {
            kind = .pipe
        } else {
            kind = .other
        }
    }

    /// The most a loop writes to a pipe at once: a pipe that reports room for writing has at
    /// least a page free, so a write of this size does not wait.
    static let atomicPipeWrite = 4096

    /// Whether a write of up to `atomicPipeWrite` bytes would go through at once.
    func hasRoomNow() -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        return poll(&pfd, 1, 0) == 1 && pfd.revents & Int16(POLLOUT) != 0
    }

    /// Writes all of `bytes`, retrying interrupted and partial writes; false when the output
    /// is gone (a closed pipe: the trace is dropped rather than the relay stopped).
    @discardableResult
    func writeAll(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            done += n
        }
        return true
    }
}
