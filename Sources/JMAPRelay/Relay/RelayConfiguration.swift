import RelayCore

/// Everything a relay needs to run, whether started by the command line or in-process from a
/// client's tests. Defaults are the safe ones: loopback, verification on, trace on.
public struct RelayConfiguration: Sendable {
    /// How exchanges are printed.
    public enum TraceMode: String, Sendable, CaseIterable {
        /// One readable line per exchange on stdout.
        case text
        /// One JSON object per line on stdout.
        case json
        /// Nothing.
        case off
    }

    /// Number of event loops; nil means one per core.
    public var eventLoopCount: Int?
    /// How long an event loop with few clients that has just served something keeps polling
    /// (yielding the CPU between polls) before it sleeps (`--poll-us`). The next packet of an
    /// exchange usually follows within tens of microseconds: catching it awake saved a quarter
    /// of the latency at 1 connection on the bench machine. Zero sleeps at once (the least CPU
    /// when traffic is sparse).
    public var pollBeforeSleep: Duration = .microseconds(50)
    /// Address to listen on; loopback unless said otherwise.
    public var listenHost = "127.0.0.1"
    /// Port to listen on; 0 picks a free one (read it from `Relay.port`).
    public var listenPort = 8470
    /// The upstream JMAP server, e.g. `https://api.fastmail.com` or `http://127.0.0.1:8480`.
    /// A path, if given, is treated as the session URL (`https://api.fastmail.com/jmap/session`).
    public var upstream: String?
    /// Time allowed to connect to the upstream.
    public var connectTimeout: Duration = .seconds(10)
    /// Time allowed between bytes from the upstream before the relay answers 504.
    public var upstreamTimeout: Duration = .seconds(60)
    /// TLS settings for `https://` and `wss://` upstreams.
    public var tls = TLSClientConfiguration(caFile: nil, insecure: false)
    /// TLS for clients as well as plain HTTP on the listening port (`--tls`); nil serves plain
    /// HTTP only. Read the CA to trust from `Relay.caCertificatePath`.
    public var listenerTLS: ListenerTLSConfiguration?
    /// `Authorization` value added to requests that carry none (`--auth-env`).
    public var injectedAuthorization: String?
    /// Trace format.
    public var trace: TraceMode = .text
    /// Where trace lines go; nil means stdout.
    public var traceSink: (@Sendable (String) -> Void)?
    /// Where log lines go; nil means stderr.
    public var logSink: (@Sendable (String) -> Void)?
    /// Largest JMAP API or session body the relay reads into memory.
    public var maxBufferedBodyBytes = 32 * 1024 * 1024
    /// Largest request body accepted at all; nil streams any size.
    public var maxRequestBodyBytes: Int?
    /// How long an idle keep-alive connection stays open.
    public var idleTimeout: Duration = .seconds(75)
    /// How long a client may take to send a request head (a slow client cannot hold a thread forever).
    public var headTimeout: Duration = .seconds(20)
    /// How long shutdown waits for in-flight exchanges.
    public var drainTimeout: Duration = .seconds(10)
    /// Most exchanges kept in memory for the control API.
    public var exchangeRingSize = 500
    /// Where exchanges are recorded, if anywhere.
    public var recorder: RecordingFile?
    /// Largest body kept whole in a recording (bigger ones stream unrecorded).
    public var maxRecordedBodyBytes = 64 * 1024 * 1024
    /// The public base URL the server should POST pushes to (`--push-callback-url`); nil means
    /// the relay's own listening address. A `PushSubscription/set` that creates a subscription
    /// gets `<base>/_relay/push/<token>` in place of the client's URL.
    public var pushCallbackURL: String?
    /// Names someone mapped to the relay (`--allow-host`): `jmap.test` admits that name at any
    /// port, `jmap.test:8470` at that port only. Otherwise the relay answers only requests whose
    /// `Host` is its own (its listen address, `127.0.0.1`, `localhost`, `[::1]`), so a web page
    /// that rebinds its name to loopback cannot reach it.
    public var allowedHosts: [String] = []
    /// Web page origins trusted to use the relay like its own page (`--allow-origin`), e.g.
    /// `http://localhost:3000` for a web client under development. Other pages never get the
    /// credential `injectedAuthorization` adds.
    public var allowedOrigins: [String] = []

    /// Fault rules loaded at start (`--fault`, `--faults`).
    public var faults: [FaultRule] = []
    /// Seed for probabilistic faults: the same seed and traffic give the same faults.
    public var faultSeed: UInt64 = 0
    /// Enforce the session's own advertised limits on every request (`--limits strict`).
    public var strictLimits = false
    /// Check every exchange against the lint rules and add findings to the trace (`--lint`).
    public var lint = false
    /// Lint rules switched off (`--lint-ignore`).
    public var lintIgnore: Set<String> = []

    public init(upstream: String? = nil, listenHost: String = "127.0.0.1", listenPort: Int = 8470) {
        self.upstream = upstream
        self.listenHost = listenHost
        self.listenPort = listenPort
    }
}
