import Foundation
import RelayCore

/// A running JMAP relay: a listener on loopback, a pipeline, and an upstream (live or a
/// recording). Start one in-process from a client's tests on port 0, read `baseURL`, point
/// the client at `sessionURL`, and `stop()` it at the end. `Relay.replaying(_:)` and
/// `Relay.serving(upstream:)` do the set-up in one call:
///
/// ```swift
/// let relay = try Relay.replaying("recordings/fastmail-demo.jsonl")   // started, port 0
/// defer { relay.stop() }
/// let sessionURL = relay.sessionURL   // http://127.0.0.1:PORT/.well-known/jmap
/// try relay.faults.add("call=Email/set action=method-error:serverFail")
/// // … run the client, then look at relay.exchanges() and relay.misses …
/// ```
public final class Relay: Sendable {
    /// The configuration it runs with.
    public let configuration: RelayConfiguration
    /// What answers besides the network: nothing (`LiveUpstream`), a `ReplayUpstream`, a
    /// `FallbackUpstream` or a `PushReplayUpstream`.
    let upstream: any Upstream
    /// The TLS settings of upstream connections, checked (CA file read) before start.
    private let tls: TLSContext
    private let primary: Origin
    private let sessionPath: String?
    let observers: ExchangeObservers
    /// The fault rules: add and remove them while the relay runs.
    public let faults: FaultController
    private let state = Locked<RunState>(RunState())
    /// The local CA behind `--tls`; nil without it.
    public let localCA: LocalCA?

    private struct RunState {
        var listener: EventLoopGroup?
        var pipeline: Pipeline?
        var stopped = false
    }

    /// Creates a relay in front of `configuration.upstream`, or of `upstream` when given (a
    /// `ReplayUpstream` or a test stub).
    public init(configuration: RelayConfiguration, upstream: (any Upstream)? = nil, primaryOrigin: Origin? = nil) throws {
        self.configuration = configuration
        let target = configuration.upstream ?? primaryOrigin?.httpBase
        guard let target, let origin = primaryOrigin ?? Origin(url: target) else {
            throw RelayError.badUpstream(configuration.upstream ?? "(none)")
        }
        self.primary = origin
        self.sessionPath = Self.path(of: target)
        self.upstream = upstream ?? LiveUpstream()
        self.tls = try TLSContext(configuration: configuration.tls)
        self.observers = ExchangeObservers(config: configuration)
        self.faults = FaultController(rules: configuration.faults, seed: configuration.faultSeed, strictLimits: configuration.strictLimits)
        if let tls = configuration.listenerTLS {
            do {
                localCA = try LocalCA(directory: tls.directory)
            } catch {
                throw RelayError.tls(error.message)
            }
        } else {
            localCA = nil
        }
    }

    /// Binds the listener and starts serving.
    public func start() throws {
        let base: Origin
        let listener: EventLoopGroup
        var listenerTLS: TLSServerContext?
        if let localCA, let names = configuration.listenerTLS?.serverNames {
            do {
                listenerTLS = try localCA.serverContext(names: names)
            } catch {
                throw RelayError.tls(error.message)
            }
        }
        do {
            listener = try EventLoopGroup(config: configuration)
        } catch let e as SocketError {
            throw RelayError.listen("\(configuration.listenHost):\(configuration.listenPort)", e.message)
        }
        base = Origin(secure: false, host: configuration.listenHost, port: listener.port)
        let pipeline = Pipeline(
            config: configuration, upstream: upstream, primary: primary, sessionPath: sessionPath, relayBase: base,
            observers: observers, faults: faults)
        state.withLock {
            $0.listener = listener
            $0.pipeline = pipeline
        }
        let first = try listener.start(pipeline: pipeline, tls: tls, listenerTLS: listenerTLS)
        (upstream as? PushReplayUpstream)?.webhooks.attach(first)
    }

    /// The port it listens on (the real one when 0 was asked for).
    public var port: Int { state.withLock { $0.listener?.port ?? configuration.listenPort } }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { Origin(secure: false, host: configuration.listenHost, port: port).httpBase }

    /// The URL to give a JMAP client: `http://127.0.0.1:PORT/.well-known/jmap`.
    public var sessionURL: String { baseURL + "/.well-known/jmap" }

    /// `https://127.0.0.1:PORT/.well-known/jmap` with `--tls` (the same port); nil without.
    public var secureSessionURL: String? {
        localCA == nil ? nil : Origin(secure: true, host: configuration.listenHost, port: port).httpBase + "/.well-known/jmap"
    }

    /// The CA certificate a client must trust for `secureSessionURL` (`ca.pem`); nil without `--tls`.
    public var caCertificatePath: String? { localCA?.certificatePath }

    /// Recent exchanges, oldest first (a bounded ring).
    public func exchanges(since: Int = 0) -> [Exchange] { observers.recent(since: since) }

    /// Calls `observer` for every finished exchange.
    public func onExchange(_ observer: @escaping @Sendable (Exchange) -> Void) { observers.add(observer) }

    /// Stops accepting, lets in-flight exchanges finish (up to the drain timeout), closes idle
    /// connections and flushes the trace. Safe to call twice.
    public func stop() {
        let (listener, pipeline) = state.withLock { s -> (EventLoopGroup?, Pipeline?) in
            if s.stopped { return (nil, nil) }
            s.stopped = true
            return (s.listener, s.pipeline)
        }
        pipeline?.beginStopping()
        (upstream as? PushReplayUpstream)?.shutdown()
        listener?.stop(timeout: configuration.drainTimeout)
        observers.close()
    }

    static func path(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let p = String(rest[slash...].split(separator: "?", maxSplits: 1).first ?? "/")
        return p == "/" ? nil : p
    }
}

/// Why a relay could not start.
public enum RelayError: Error, CustomStringConvertible, Equatable {
    /// The upstream URL is not an absolute http(s) URL.
    case badUpstream(String)
    /// The listener could not bind.
    case listen(String, String)
    /// The local CA for `--tls` cannot be used.
    case tls(String)

    public var description: String {
        switch self {
        case .badUpstream(let u): return "upstream '\(u)' is not an http:// or https:// URL"
        case .listen(let a, let m): return "cannot listen on \(a): \(m)"
        case .tls(let m): return m
        }
    }
}
