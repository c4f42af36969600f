import Foundation

/// The open file descriptors of this process, read from `/proc/self/fd` (Linux), to show that
/// a loop of failures leaks nothing.
public enum OpenDescriptors {
    /// What each open descriptor points at (`socket:[123]`, `/dev/null`, `pipe:[9]` …).
    public static func targets() -> [String] {
        let dir = "/proc/self/fd"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "\(dir)/\($0)") }
    }

    /// How many descriptors are open.
    public static func count() -> Int { targets().count }

    /// How many open descriptors are TCP sockets with `port` at either end: the listener, the
    /// connections it accepted and those made to it. Other tests running in parallel open
    /// descriptors of their own; this count sees only the ones for `port`.
    public static func tcpSockets(port: Int) -> Int {
        let inodes = Set(targets().compactMap { t -> String? in
            guard t.hasPrefix("socket:["), t.hasSuffix("]") else { return nil }
            return String(t.dropFirst(8).dropLast())
        })
        var n = 0
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
                let cols = line.split(separator: " ", omittingEmptySubsequences: true)
                guard cols.count > 9, inodes.contains(String(cols[9])) else { continue }
                let ports = [cols[1], cols[2]].compactMap { $0.split(separator: ":").last.flatMap { Int($0, radix: 16) } }
                if ports.contains(port) { n += 1 }
            }
        }
        return n
    }
}
