import Foundation

/// TLS for clients that insist on https (`--tls`): the listening port then speaks TLS and plain
/// HTTP both, with a server certificate from a local CA kept in `directory`.
public struct ListenerTLSConfiguration: Sendable, Equatable {
    /// Where the CA and the server certificate live (`--tls-dir`).
    public var directory: String
    /// Names the server certificate covers beyond `127.0.0.1`, `::1` and `localhost` (`--tls-name`).
    public var extraNames: [String]

    public init(directory: String = ListenerTLSConfiguration.defaultDirectory(), extraNames: [String] = []) {
        self.directory = directory
        self.extraNames = extraNames
    }

    /// `$XDG_DATA_HOME/jmap-relay/tls`, else `~/.local/share/jmap-relay/tls`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/jmap-relay/tls" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/share/jmap-relay/tls"
    }

    /// The names the server certificate covers, loopback first, without repeats.
    public var serverNames: [String] {
        var seen = Set<String>()
        return (["localhost", "127.0.0.1", "::1"] + extraNames.map { $0.lowercased() }).filter { seen.insert($0).inserted }
    }
}
