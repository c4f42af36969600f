/// Decides, before anything else happens to a request, whether a web page may be behind it
/// and what that page may do. The relay listens on loopback, and so does the browser of the
/// person running it: any page they visit can send requests to the relay, and a page whose
/// name rebinds to 127.0.0.1 can read the answers too. So:
///
/// - the `Host` must be the relay's own (its listen address, `127.0.0.1`, `localhost` or
///   `[::1]`, with its port or none), a name given with `--allow-host`, or, on the push
///   callback path only, the host of `--push-callback-url`; otherwise 421, nothing goes up;
/// - a request whose `Origin` is neither the relay's own nor one given with `--allow-origin`
///   is refused on the control API, has its CORS preflight answered here (never by a server
///   that might reflect any origin), is refused when the relay adds credentials, and
///   otherwise goes on without any `Access-Control-Allow-*` grant in its answer.
///
/// Clients that are not browsers send no `Origin` and are unaffected.
public struct RequestGuard: Sendable {
    /// What to do with a request.
    public enum Decision: Sendable, Equatable {
        /// Not a web page from elsewhere: handle the request as usual.
        case proceed
        /// A page from another origin that may go on, since the relay adds no credential:
        /// its answer must grant that page no access (no `Access-Control-Allow-*`).
        case proceedCrossOrigin
        /// Answer `problem` and send nothing upstream; `reason` is for the trace.
        case refuse(ProblemDetails, reason: String)
    }

    /// The relay's listen host, normalised.
    let listenHost: String
    /// The port the relay is bound to.
    public let port: Int
    /// Names that are the relay's own: its listen host and the loopback names.
    let ownHosts: Set<String>
    /// `Host` values exactly as clients of the relay usually write them (`127.0.0.1:8470`,
    /// `localhost`, …), each admitted by the full rule: most requests are admitted by a string
    /// comparison, without parsing the value.
    let ownSpellings: [String]
    /// `--allow-host` entries (a name alone admits any port).
    let allowedHosts: [HostAuthority]
    /// `--allow-origin` entries.
    let allowedOrigins: Set<WebOrigin>
    /// The host of `--push-callback-url`, admitted on the callback path only.
    let pushCallbackHost: String?
    /// Whether the relay adds an `Authorization` of its own (`--auth-env`).
    let injectsCredentials: Bool
    /// Whether the port speaks https too (`--tls`): its own pages may then come over https.
    let servesTLS: Bool

    /// The names every relay answers to, whatever its listen address.
    public static let loopbackNames = ["127.0.0.1", "localhost", "::1"]

    /// - Parameters:
    ///   - listenHost: the address the relay listens on.
    ///   - port: the port it is bound to (the real one when 0 was asked for).
    ///   - allowedHosts: names someone mapped to the relay (`--allow-host`).
    ///   - allowedOrigins: pages trusted to use the relay (`--allow-origin`).
    ///   - pushCallbackURL: the public base URL the server posts pushes to, if any.
    ///   - injectsCredentials: whether the relay adds an `Authorization` (`--auth-env`).
    ///   - servesTLS: whether the port speaks https too (`--tls`).
    public init(listenHost: String, port: Int, allowedHosts: [HostAuthority] = [], allowedOrigins: [WebOrigin] = [],
                pushCallbackURL: String? = nil, injectsCredentials: Bool = false, servesTLS: Bool = false)
    {
        self.servesTLS = servesTLS
        self.listenHost = HostAuthority(host: listenHost).host
        self.port = port
        ownHosts = Set(Self.loopbackNames + [self.listenHost])
        ownSpellings = ownHosts.sorted().flatMap { h in
            [HostAuthority(host: h, port: port).description, HostAuthority(host: h).description]
        }
        self.allowedHosts = allowedHosts
        self.allowedOrigins = Set(allowedOrigins)
        pushCallbackHost = pushCallbackURL.flatMap(Origin.init(url:)).map { HostAuthority(host: $0.host).host }
        self.injectsCredentials = injectsCredentials
    }

    /// The decision for one request head.
    public func decide(_ head: HTTPRequestHead) -> Decision {
        let isCallback = head.target.hasPrefix(PushSubscriptionURLs.callbackPrefix)
        let hosts = head.headers.values(for: "host")
        if hosts.count > 1 {
            return .refuse(.relay("malformed-request", title: "Bad Request", status: 400,
                                  detail: "A request has one Host header; this one has \(hosts.count)."),
                           reason: "\(hosts.count) Host headers")
        }
        // No Host at all: HTTP/1.0 or a hand-written client, never a browser.
        if let value = hosts.first, !admitsHost(value, onCallbackPath: isCallback) {
            return .refuse(foreignHostProblem(value), reason: "foreign Host \(Self.printable(value))")
        }
        // The callback path is the server's door, token-guarded, and carries no credential.
        if isCallback { return .proceed }

        let origins = head.headers.values(for: "origin")
        guard let originValue = origins.first else { return .proceed }
        if origins.count == 1, let origin = WebOrigin(originValue), isOwn(origin) || allowedOrigins.contains(origin) {
            return .proceed
        }
        let shown = Self.printable(originValue)
        if RelayPaths.isControl(head.target) {
            return .refuse(.relay("control-cross-origin", title: "Forbidden", status: 403,
                                  detail: "\(head.method) \(head.path.prefix(200)) from origin '\(shown)' refused: the control API "
                                      + "answers only the relay's own page (\(ownOrigin)), origins given with --allow-origin "
                                      + "and clients that send no Origin."),
                           reason: "foreign Origin \(shown)")
        }
        if head.method == "OPTIONS", head.headers.contains("access-control-request-method") {
            return .refuse(crossOriginProblem(shown, "Its CORS preflight is answered by the relay, never by the server"),
                           reason: "cross-origin preflight from \(shown)")
        }
        if injectsCredentials {
            return .refuse(crossOriginProblem(shown, "The relay adds credentials to what it forwards, and lends them to no web page"),
                           reason: "foreign Origin \(shown)")
        }
        return .proceedCrossOrigin
    }

    /// Whether a `Host` value names this relay (or the callback host, on the callback path).
    public func admitsHost(_ value: String, onCallbackPath: Bool = false) -> Bool {
        if ownSpellings.contains(value) { return true }
        guard let a = HostAuthority(value) else { return false }
        if ownHosts.contains(a.host), a.port == nil || a.port == port { return true }
        if allowedHosts.contains(where: { $0.admits(a) }) { return true }
        return onCallbackPath && a.host == pushCallbackHost
    }

    /// The relay's own pages: `http` (and with `--tls` `https`) on its port, at any name it answers to.
    func isOwn(_ origin: WebOrigin) -> Bool {
        (origin.scheme == "http" || servesTLS && origin.scheme == "https") && origin.port == port
            && (ownHosts.contains(origin.host) || allowedHosts.contains { $0.host == origin.host })
    }

    /// The relay's own page origin, as its inspector is served.
    var ownOrigin: String { "http://" + HostAuthority(host: listenHost, port: port).description }

    /// Whether a response header grants a page cross-origin access; a page from elsewhere
    /// gets none of these from the relay, whatever the server said.
    public static func isCORSGrant(_ field: HTTPField) -> Bool {
        field.name.hasPrefixIgnoringASCIICase("access-control-allow-")
            || field.name.hasPrefixIgnoringASCIICase("access-control-expose-")
    }

    private func foreignHostProblem(_ value: String) -> ProblemDetails {
        let shown = Self.printable(value)
        let name = HostAuthority(value)?.host ?? shown
        let own = (Self.loopbackNames + (Self.loopbackNames.contains(listenHost) ? [] : [listenHost]))
            .map { HostAuthority(host: $0, port: port).description }
        return .relay(
            "foreign-host", title: "Misdirected Request", status: 421,
            detail: "Host '\(shown)' is not this relay (\(own.joined(separator: ", "))). A web page may be rebinding its name "
                + "to this address, so nothing was forwarded. If you mapped '\(name)' to the relay yourself, start it with "
                + "--allow-host \(name).")
    }

    private func crossOriginProblem(_ origin: String, _ why: String) -> ProblemDetails {
        .relay(
            "cross-origin", title: "Forbidden", status: 403,
            detail: "A page from '\(origin)' may not use this relay. \(why). To let a page you trust use it, start the relay "
                + "with --allow-origin \(WebOrigin(origin)?.description ?? origin).")
    }

    /// A header value as it may appear in a trace line or a message: printable ASCII, short.
    static func printable(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.prefix(100).map { (0x21...0x7E).contains($0.value) ? $0 : "?" }))
    }
}
