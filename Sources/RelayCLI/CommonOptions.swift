import Foundation
import JMAPRelay

/// Options shared by `serve` and `replay`: listener, trace, event loops, faults, limits, lint.
struct CommonOptions: Equatable, Sendable {
    var listenHost = "127.0.0.1"
    var listenPort = 8470
    var trace: RelayConfiguration.TraceMode = .text
    var maxBodyBytes: Int?
    var faults: [FaultRule] = []
    var seed: UInt64?
    var strictLimits = false
    var lint = false
    var lintIgnore: [String] = []
    var pollMicroseconds = 50
    var loops: Int?
    var allowedHosts: [String] = []
    var allowedOrigins: [String] = []
    /// `--tls` (or `--tls-dir`/`--tls-name`, which imply it).
    var tls = false
    var tlsDirectory = ListenerTLSConfiguration.defaultDirectory()
    var tlsNames: [String] = []

    /// The listener and trace options, first in help.
    static let listenerDeclarations: [OptionDeclaration<CommonOptions>] = [
        .value("--listen", valueName: "host:port", default: .value("127.0.0.1:8470"),
               help: "Where to listen. Port 0 picks a free port.") { o, v, c in
            (o.listenHost, o.listenPort) = try parseListen(v, command: c)
        },
        .value("--allow-host", valueName: "name",
               help: "Also answer requests with this Host, a local name mapped to the relay: name at any port, name:port "
                   + "at that port. Any Host but the listen address, localhost, 127.0.0.1 or [::1] gets 421. Repeatable.") { o, v, c in
            guard HostAuthority(v) != nil else {
                throw UsageError("'--allow-host' takes a name or name:port, e.g. jmap.test (got '\(v)')", command: c)
            }
            o.allowedHosts.append(v)
        },
        .value("--allow-origin", valueName: "origin",
               help: "Let web pages from this origin (scheme://host[:port], e.g. http://localhost:3000) use the relay "
                   + "like its own page; pages from other origins never get --auth-env's credential. Repeatable.") { o, v, c in
            guard WebOrigin(v) != nil else {
                throw UsageError("'--allow-origin' takes an origin scheme://host[:port], e.g. http://localhost:3000 (got '\(v)')",
                                 command: c)
            }
            o.allowedOrigins.append(v)
        },
        .value("--trace", valueName: "format", default: .value("text"),
               help: "text (one line per exchange), json (one object per line) or off.") { o, v, c in
            guard let m = RelayConfiguration.TraceMode(rawValue: v) else {
                throw UsageError("'--trace' must be text, json or off (got '\(v)')", command: c)
            }
            o.trace = m
        },
        .value("--poll-us", valueName: "n", default: .value("50"),
               help: "Microseconds a busy event loop keeps polling before it sleeps: lower latency for a little CPU; 0 to sleep at once.") { o, v, c in
            o.pollMicroseconds = try parseInt(v, name: "--poll-us", command: c, min: 0)
        },
        .value("--loops", valueName: "n", default: .described("one per core"),
               help: "Event loops (threads serving connections).") { o, v, c in
            o.loops = try parseInt(v, name: "--loops", command: c, min: 1)
        },
        .value("--max-body-size", valueName: "bytes",
               help: "Refuse request bodies larger than this with 413.") { o, v, c in
            o.maxBodyBytes = try parseInt(v, name: "--max-body-size", command: c, min: 1)
        },
    ]

    /// The options of TLS for clients, after the listener's.
    static let tlsDeclarations: [OptionDeclaration<CommonOptions>] = [
        .flag("--tls", help: "Serve https (and wss) on the same port as http, with a certificate from a local CA made on "
                  + "first use; the start-up message prints the CA's path and how to trust it. See 'jmap-relay ca'.") {
            $0.tls = true
        },
        tlsDirectoryDeclaration { o, v in
            o.tlsDirectory = v
            o.tls = true
        },
        .value("--tls-name", valueName: "name",
               help: "Another host name or IP address the relay's certificate is for, besides 127.0.0.1, ::1 and localhost "
                   + "(implies --tls). Repeatable.") { o, v, c in
            guard isCertificateName(v) else {
                throw UsageError("'--tls-name' takes a host name or an IP address (got '\(v)')", command: c)
            }
            o.tlsNames.append(v)
            o.tls = true
        },
    ]

    /// `--tls-dir`, shared with `jmap-relay ca`.
    static func tlsDirectoryDeclaration<Options>(_ apply: @escaping @Sendable (inout Options, String) -> Void) -> OptionDeclaration<Options> {
        .value("--tls-dir", valueName: "dir", default: .described("$XDG_DATA_HOME/jmap-relay/tls or ~/.local/share/jmap-relay/tls"),
               help: "Where the local CA (ca.pem, and its key readable by you only) and the relay's certificate are kept.") { o, v, _ in
            apply(&o, v)
        }
    }

    /// A name a certificate can carry: letters, digits, dots and hyphens (a leading `*.` for a
    /// wildcard), or an IP address.
    static func isCertificateName(_ v: String) -> Bool {
        if v.contains(":") { return v.allSatisfy { $0 == ":" || $0 == "." || $0.isHexDigit } }
        let name = v.hasPrefix("*.") ? v.dropFirst(2) : Substring(v)
        return !name.isEmpty && name.count <= 253 && !name.hasPrefix(".") && !name.hasSuffix(".") && !name.contains("..")
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
    }

    /// The fault, limit and lint options, last in help.
    static let faultDeclarations: [OptionDeclaration<CommonOptions>] = [
        .value("--fault", valueName: "spec",
               help: "Inject a fault, e.g. 'call=Email/set action=method-error:serverFail nth=1' or "
                   + "'path=/jmap/api* action=status:503 retry-after=2 first=2'. Repeatable. See FAULTS in 'jmap-relay help serve'.") { o, v, c in
            do {
                o.faults.append(try FaultSpec.parse(v))
            } catch {
                throw UsageError("bad '--fault \(v)': \(error)", command: c)
            }
        },
        .value("--faults", valueName: "file",
               help: "Load fault rules from a file: JSON ({\"seed\":42,\"rules\":[…]}) or one spec per line.") { o, v, c in
            let loaded = try FaultFile.load(path: v, command: c)
            o.faults += loaded.rules
            if o.seed == nil { o.seed = loaded.seed }
        },
        .value("--seed", valueName: "n", default: .described("0"),
               help: "Seed for probability=… faults: the same seed and traffic give the same faults.") { o, v, c in
            guard let n = UInt64(v) else { throw UsageError("'--seed' must be a whole number ≥ 0 (got '\(v)')", command: c) }
            o.seed = n
        },
        .value("--limits", valueName: "mode", default: .value("off"),
               help: "strict: enforce the session's own advertised limits (maxCallsInRequest, maxObjectsInGet, …) "
                   + "on every request, as a strict server would.") { o, v, c in
            guard v == "strict" || v == "off" else {
                throw UsageError("'--limits' is strict (enforce the session's advertised limits) or off (got '\(v)')", command: c)
            }
            o.strictLimits = v == "strict"
        },
        .flag("--lint", help: "Check every exchange against the lint rules ('jmap-relay help lint') and print findings under its trace line.") {
            $0.lint = true
        },
        .value("--lint-ignore", valueName: "id", help: "Switch a lint rule off (implies --lint). Repeatable, or a comma list.") { o, v, c in
            for id in v.split(separator: ",").map({ $0.trimmingASCIIWhitespace() }) {
                guard LintRules.rule(id: id) != nil else {
                    throw UsageError("'--lint-ignore': no rule '\(id)' (see 'jmap-relay help lint')", command: c)
                }
                o.lintIgnore.append(id)
            }
        },
    ]

    func apply(to c: inout RelayConfiguration) {
        c.listenHost = listenHost
        c.listenPort = listenPort
        c.allowedHosts = allowedHosts
        c.allowedOrigins = allowedOrigins
        c.trace = trace
        c.pollBeforeSleep = .microseconds(pollMicroseconds)
        c.eventLoopCount = loops
        c.maxRequestBodyBytes = maxBodyBytes
        c.faults = faults
        c.faultSeed = seed ?? 0
        c.strictLimits = strictLimits
        c.lint = lint || !lintIgnore.isEmpty
        c.lintIgnore = Set(lintIgnore)
        c.listenerTLS = tls ? ListenerTLSConfiguration(directory: tlsDirectory, extraNames: tlsNames) : nil
    }

    static func parseListen(_ v: String, command: String) throws -> (String, Int) {
        guard let colon = v.lastIndex(of: ":") else {
            throw UsageError("'--listen' takes HOST:PORT, e.g. 127.0.0.1:8470 (got '\(v)')", command: command)
        }
        var host = String(v[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(v[v.index(after: colon)...]), (0...65535).contains(port) else {
            throw UsageError("'--listen' takes HOST:PORT with a port 0–65535 (got '\(v)')", command: command)
        }
        return (host, port)
    }

    static func parseInt(_ v: String, name: String, command: String, min: Int = 0) throws -> Int {
        guard let n = Int(v), n >= min else {
            throw UsageError("'\(name)' must be a whole number ≥ \(min) (got '\(v)')", command: command)
        }
        return n
    }

    static func parseSeconds(_ v: String, name: String, command: String) throws -> Duration {
        let t = v.hasSuffix("s") ? String(v.dropLast()) : v
        guard let d = Double(t), d > 0, d < 86_400 else {
            throw UsageError("'\(name)' must be a number of seconds > 0 (got '\(v)')", command: command)
        }
        return .milliseconds(Int64(d * 1000))
    }

    /// An http:// or https:// URL the relay can forward to.
    static func isHTTPURL(_ v: String) -> Bool {
        let lower = v.lowercased()
        return (lower.hasPrefix("http://") || lower.hasPrefix("https://")) && Origin(url: v) != nil
    }
}
