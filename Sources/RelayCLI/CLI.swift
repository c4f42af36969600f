import Foundation
import JMAPRelay

/// The command-line program: parse, run, exit with the right code (0, 1 on failure, 64 on
/// bad input, 65 for a corrupt recording).
public enum CLI {
    /// Runs with `arguments` (without the program name) and returns the exit code.
    public static func run(_ arguments: [String]) -> Int32 {
        let command: Command
        do {
            command = try Command.parse(arguments)
        } catch let e as UsageError {
            printErr("Error: \(e.message)\n\(HelpText.usageLine(for: e.command))\n  See 'jmap-relay help\(e.command.map { " " + $0 } ?? "")'.")
            return 64
        } catch {
            printErr("Error: \(error)")
            return 64
        }
        switch command {
        case .version:
            print(RelayVersion.string.replacingOccurrences(of: "jmap-relay ", with: ""))
            return 0
        case .help(let sub):
            guard let text = HelpText.text(for: sub) else {
                printErr("Error: unknown subcommand '\(sub ?? "")'\n\(HelpText.usageLine(for: nil))")
                return 64
            }
            print(text)
            return 0
        case .serve(let o):
            return runServe(o)
        case .replay(let o):
            return runReplay(o)
        case .lint(let o):
            return LintCommand.run(o)
        case .inspect(let o):
            return runInspect(o)
        case .exportHAR(let o):
            return runExportHAR(o)
        case .normalize(let o):
            return runNormalize(o)
        case .ca(let o):
            return runCA(o)
        }
    }

    static func runServe(_ o: ServeOptions) -> Int32 {
        var config = RelayConfiguration(upstream: o.upstream)
        o.common.apply(to: &config)
        config.tls = TLSClientConfiguration(caFile: o.upstreamCA, insecure: o.insecure)
        config.upstreamTimeout = o.upstreamTimeout
        config.connectTimeout = o.connectTimeout
        config.pushCallbackURL = o.pushCallbackURL
        if let name = o.authEnv {
            guard let secret = ProcessInfo.processInfo.environment[name], !secret.isEmpty else {
                printErr("Error: environment variable \(name) (from --auth-env) is not set or empty\n\(HelpText.usageLine(for: "serve"))")
                return 64
            }
            config.injectedAuthorization = HeaderPolicy.authorization(fromSecret: secret)
        }
        if let r = o.record {
            do {
                let primary = Origin(url: o.upstream)!
                let header = RecordingHeader(
                    created: ISO8601DateFormatter().string(from: Date()), upstream: o.upstream, origins: [primary],
                    relay: RelayVersion.string)
                var existing: Recording?
                if r.mode == .new, FileManager.default.fileExists(atPath: r.file) { existing = try RecordingFile.load(path: r.file) }
                if r.mode != .none {
                    config.recorder = try RecordingFile(path: r.file, mode: r.mode, header: header, redactor: r.redactor,
                                                        normalizer: r.normalizeIds ? IdNormalizer() : nil, existing: existing)
                }
                if let existing {
                    if r.normalizeIds, !existing.exchanges.isEmpty {
                        Log().warning("--normalize-ids with --record-mode new: answers replayed from \(r.file) carry tokens the live server does not know; a request built from them and forwarded fails there (re-record the flow whole with --record-mode all)")
                    }
                    let upstream = FallbackUpstream(replay: ReplayUpstream(recording: existing))
                    return runRelay(config, upstream: upstream, describe: "\(o.upstream) (recording to \(r.file), replaying what it has)")
                }
            } catch {
                printErr("Error: \(error)")
                return 1
            }
            return runRelay(config, upstream: nil, describe: "\(o.upstream) (recording to \(r.file))")
        }
        return runRelay(config, upstream: nil, describe: o.upstream)
    }

    static func runReplay(_ o: ReplayOptions) -> Int32 {
        let recording: Recording
        let answers: @Sendable (Int) -> StoredAnswer?
        do {
            // Answers stay in the file, read by offset when served: memory holds the keys.
            (recording, answers) = try RecordingFile.loadForReplay(path: o.file)
        } catch let e as RecordingError {
            printErr("Error: \(o.file): \(e)")
            return 65
        } catch {
            printErr("Error: \(error)")
            return 66
        }
        for w in recording.warnings { printErr("jmap-relay: warning: \(o.file): \(w)") }
        var config = RelayConfiguration(upstream: recording.header.upstream)
        o.common.apply(to: &config)
        let replay = ReplayUpstream(recording: recording, storedAnswers: answers)
        let strict = o.strict
        let requireAll = o.requireAll
        var upstream: any Upstream = replay
        var describe = "\(o.file) (\(recording.exchanges.count) recorded exchanges, no network)"
        let primary = recording.header.origins[0]
        if o.forwardMisses {
            let live = o.upstream ?? recording.header.upstream
            guard let origin = Origin(url: live) else {
                printErr("Error: the recording names no usable upstream; give '--upstream URL'\n\(HelpText.usageLine(for: "replay"))")
                return 64
            }
            upstream = FallbackUpstream(replay: replay, forwardingPrimaryTo: origin == primary ? nil : origin)
            describe = "\(o.file) (\(recording.exchanges.count) recorded exchanges; misses go to \(live))"
        }
        do {
            // Push recorded alongside (EventSource, WebSocket, webhooks) is played back too.
            upstream = try PushReplayUpstream(recording: recording, replay: replay, inner: upstream)
        } catch {
            printErr("Error: \(error)")
            return 1
        }
        let pushCount = recording.pushes.count
        if pushCount > 0 { describe += ", \(pushCount) recorded push message(s)" }
        return runRelay(config, upstream: upstream, primary: primary, describe: describe) {
            let misses = replay.misses
            let unused = replay.unusedSeqs
            let log = Log()
            if !misses.isEmpty { log.info("\(misses.count) request(s) had no recorded answer") }
            if requireAll, !unused.isEmpty { log.info("\(unused.count) recorded exchange(s) never used: \(unused.prefix(20).map { "#\($0)" }.joined(separator: " "))") }
            if strict && !misses.isEmpty { return 1 }
            if requireAll && !unused.isEmpty { return 1 }
            return 0
        }
    }

    /// Starts a relay, prints where to point the client, and serves until SIGINT/SIGTERM.
    static func runRelay(_ config: RelayConfiguration, upstream: (any Upstream)?, primary: Origin? = nil, describe: String,
                         atExit: (@Sendable () -> Int32)? = nil) -> Int32 {
        ProcessSignals.ignoreSIGPIPE()
        let stopRequested = DispatchSemaphore(value: 0)
        ProcessSignals.onTerminate { _ in stopRequested.signal() }
        let log = Log()
        let relay: Relay
        do {
            relay = try Relay(configuration: config, upstream: upstream, primaryOrigin: primary)
            try relay.start()
        } catch {
            log.error("\(error)")
            return 1
        }
        if !RequestGuard.loopbackNames.contains(config.listenHost) {
            log.warning("listening on \(config.listenHost), not loopback: anyone who can reach it can use your upstream; "
                        + "give the name or address other machines use with --allow-host")
        }
        log.info("relaying \(relay.baseURL) -> \(describe)")
        log.info("point your JMAP client at \(relay.sessionURL)")
        if let secure = relay.secureSessionURL, let ca = relay.caCertificatePath {
            log.info("or, over https on the same port, at \(secure)")
            log.info("the relay's CA is \(ca); to trust it:")
            for line in ["SSL_CERT_FILE=\(ca)", "REQUESTS_CA_BUNDLE=\(ca)", "NODE_EXTRA_CA_CERTS=\(ca)", "curl --cacert \(ca) \(secure)"] {
                printErr("  " + line)
            }
        }
        for e in relay.faults.entries { log.info("fault \(e.rule.id): \(e.rule.spec)") }
        if config.strictLimits { log.info("limits strict: the session's advertised limits are enforced") }
        stopRequested.wait()
        log.info("stopping: finishing in-flight exchanges")
        relay.stop()
        return atExit?() ?? 0
    }

    static func printErr(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }
}
