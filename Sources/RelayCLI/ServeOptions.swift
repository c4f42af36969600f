import Foundation
import JMAPRelay

/// Options shared by `serve` and `replay`: listener, trace, limits.
struct CommonOptions: Equatable {
    var listenHost = "127.0.0.1"
    var listenPort = 8470
    var trace: RelayConfiguration.TraceMode = .text
    var maxBodyBytes: Int?
    var faults: [FaultRule] = []
    var seed: UInt64?
    var strictLimits = false
    var lint = false
    var lintIgnore: [String] = []
    var ioModel: RelayConfiguration.IOModel = .eventLoop
    var pollMicroseconds = 50
    var loops: Int?

    /// Consumes `name` if it is a common option; false when it is not one.
    mutating func read(_ name: String, inline: String?, from r: inout ArgumentReader) throws -> Bool {
        switch name {
        case "--listen":
            (listenHost, listenPort) = try Self.parseListen(try r.value(for: name, inline: inline), command: r.command)
        case "--trace":
            let v = try r.value(for: name, inline: inline)
            guard let m = RelayConfiguration.TraceMode(rawValue: v) else {
                throw UsageError("'--trace' must be text, json or off (got '\(v)')", command: r.command)
            }
            trace = m
        case "--io":
            let v = try r.value(for: name, inline: inline)
            guard let m = RelayConfiguration.IOModel(rawValue: v) else {
                throw UsageError("'--io' must be epoll or threads (got '\(v)')", command: r.command)
            }
            ioModel = m
        case "--poll-us":
            pollMicroseconds = try Self.parseInt(try r.value(for: name, inline: inline), name: name, command: r.command, min: 0)
        case "--loops":
            loops = try Self.parseInt(try r.value(for: name, inline: inline), name: name, command: r.command, min: 1)
        case "--max-body-size":
            maxBodyBytes = try Self.parseInt(try r.value(for: name, inline: inline), name: name, command: r.command, min: 1)
        case "--fault":
            let spec = try r.value(for: name, inline: inline)
            do {
                faults.append(try FaultSpec.parse(spec))
            } catch {
                throw UsageError("bad '--fault \(spec)': \(error)", command: r.command)
            }
        case "--faults":
            let file = try r.value(for: name, inline: inline)
            let loaded = try FaultFile.load(path: file, command: r.command)
            faults += loaded.rules
            if seed == nil { seed = loaded.seed }
        case "--seed":
            let v = try r.value(for: name, inline: inline)
            guard let n = UInt64(v) else { throw UsageError("'--seed' must be a whole number ≥ 0 (got '\(v)')", command: r.command) }
            seed = n
        case "--lint":
            try r.flag(name, inline: inline)
            lint = true
        case "--lint-ignore":
            for id in try r.value(for: name, inline: inline).split(separator: ",").map({ String($0).trimmingCharacters(in: .whitespaces) }) {
                guard LintRules.rule(id: id) != nil else {
                    throw UsageError("'--lint-ignore': no rule '\(id)' (see 'jmap-relay help lint')", command: r.command)
                }
                lintIgnore.append(id)
            }
        case "--limits":
            let v = try r.value(for: name, inline: inline)
            guard v == "strict" || v == "off" else {
                throw UsageError("'--limits' is strict (enforce the session's advertised limits) or off (got '\(v)')", command: r.command)
            }
            strictLimits = v == "strict"
        default:
            return false
        }
        return true
    }

    func apply(to c: inout RelayConfiguration) {
        c.listenHost = listenHost
        c.listenPort = listenPort
        c.trace = trace
        c.ioModel = ioModel
        c.pollBeforeSleep = .microseconds(pollMicroseconds)
        c.eventLoopCount = loops
        c.maxRequestBodyBytes = maxBodyBytes
        c.faults = faults
        c.faultSeed = seed ?? 0
        c.strictLimits = strictLimits
        c.lint = lint || !lintIgnore.isEmpty
        c.lintIgnore = Set(lintIgnore)
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
}

/// `jmap-relay serve`.
struct ServeOptions: Equatable {
    var upstream = ""
    var common = CommonOptions()
    var authEnv: String?
    var upstreamCA: String?
    var insecure = false
    var upstreamTimeout: Duration = .seconds(60)
    var connectTimeout: Duration = .seconds(10)
    var record: RecordOptions?
    var pushCallbackURL: String?

    static func parse(_ args: [String]) throws -> ServeOptions {
        var o = ServeOptions()
        var r = ArgumentReader(args, command: "serve")
        while let t = r.next() {
            switch t {
            case .positional(let p):
                throw UsageError("unexpected argument '\(p)'", command: "serve")
            case .option(let name, let inline):
                if try o.common.read(name, inline: inline, from: &r) { continue }
                if try RecordOptions.read(name, inline: inline, into: &o.record, from: &r) { continue }
                switch name {
                case "--upstream": o.upstream = try r.value(for: name, inline: inline)
                case "--auth-env": o.authEnv = try r.value(for: name, inline: inline)
                case "--upstream-ca": o.upstreamCA = try r.value(for: name, inline: inline)
                case "--insecure":
                    try r.flag(name, inline: inline)
                    o.insecure = true
                case "--upstream-timeout":
                    o.upstreamTimeout = try CommonOptions.parseSeconds(try r.value(for: name, inline: inline), name: name, command: "serve")
                case "--connect-timeout":
                    o.connectTimeout = try CommonOptions.parseSeconds(try r.value(for: name, inline: inline), name: name, command: "serve")
                case "--push-callback-url":
                    let v = try r.value(for: name, inline: inline)
                    let lower = v.lowercased()
                    guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), Origin(url: v) != nil else {
                        throw UsageError("'--push-callback-url' must be an http:// or https:// URL (got '\(v)')", command: "serve")
                    }
                    o.pushCallbackURL = v
                default:
                    throw UsageError("unknown option '\(name)'", command: "serve")
                }
            }
        }
        guard !o.upstream.isEmpty else { throw UsageError("missing '--upstream URL'", command: "serve") }
        let lower = o.upstream.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), Origin(url: o.upstream) != nil else {
            throw UsageError("'--upstream' must be an http:// or https:// URL (got '\(o.upstream)')", command: "serve")
        }
        return o
    }
}
