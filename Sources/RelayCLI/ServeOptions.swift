import Foundation
import JMAPRelay

/// `jmap-relay serve`.
struct ServeOptions: Equatable, CommandOptions {
    var upstream = ""
    var common = CommonOptions()
    var authEnv: String?
    var upstreamCA: String?
    var insecure = false
    var upstreamTimeout: Duration = .seconds(60)
    var connectTimeout: Duration = .seconds(10)
    var record: RecordOptions?
    var pushCallbackURL: String?

    /// Options only `serve` has, in the order help lists them after `--upstream`.
    static let ownDeclarations: [OptionDeclaration<ServeOptions>] = [
        .value("--auth-env", valueName: "name",
               help: "Add an Authorization header from this environment variable to requests that carry none: "
                   + "'Bearer …' or 'Basic …' as is, 'user:password' as Basic, anything else as a Bearer token.") { o, v, _ in
            o.authEnv = v
        },
        .value("--upstream-ca", valueName: "file", help: "Trust the CA certificates in this PEM file for https.") { o, v, _ in
            o.upstreamCA = v
        },
        .flag("--insecure", help: "Do not verify the upstream's certificate (test servers only).") { $0.insecure = true },
        .value("--upstream-timeout", valueName: "s", default: .value("60"),
               help: "Seconds to wait for the upstream before answering 504.") { o, v, c in
            o.upstreamTimeout = try CommonOptions.parseSeconds(v, name: "--upstream-timeout", command: c)
        },
        .value("--connect-timeout", valueName: "s", default: .value("10"),
               help: "Seconds to wait for a connection to the upstream.") { o, v, c in
            o.connectTimeout = try CommonOptions.parseSeconds(v, name: "--connect-timeout", command: c)
        },
        .value("--push-callback-url", valueName: "url", default: .described("the relay's own address"),
               help: "Public base URL the server should POST webhook pushes to; a PushSubscription/set gets "
                   + "<url>/_relay/push/<token> in place of the client's URL, and pushes on it are forwarded there.") { o, v, c in
            guard CommonOptions.isHTTPURL(v) else {
                throw UsageError("'--push-callback-url' must be an http:// or https:// URL (got '\(v)')", command: c)
            }
            o.pushCallbackURL = v
        },
    ]

    static let command = CommandDeclaration<ServeOptions>(
        name: "serve",
        abstract: "Relay to a live JMAP server and trace every exchange.",
        overview: """
            Relay a JMAP client's traffic to a live server and trace every exchange.

            Point the client at http://127.0.0.1:8470/.well-known/jmap (the start-up message prints the exact URL). \
            The session's apiUrl, uploadUrl, downloadUrl, eventSourceUrl and WebSocket url come back pointing at the \
            relay. One line per exchange goes to stdout; logs go to stderr.
            """,
        usage: "serve --upstream <url> [<options>]",
        options: [
            .value("--upstream", valueName: "url",
                   help: "The JMAP server, e.g. https://api.fastmail.com or http://127.0.0.1:8480. A path is taken as the session URL.") { o, v, _ in
                o.upstream = v
            }
        ]
            + CommonOptions.listenerDeclarations.map { $0.lifted(\.common) }
            + CommonOptions.tlsDeclarations.map { $0.lifted(\.common) }
            + ownDeclarations
            + RecordOptions.declarations.map { $0.lifted(\.record, empty: RecordOptions()) }
            + CommonOptions.faultDeclarations.map { $0.lifted(\.common) },
        sections: [FaultHelp.section],
        exitCodes: [
            ExitCodeDescription(code: 0, meaning: "Stopped by SIGINT or SIGTERM after in-flight exchanges finished."),
            ExitCodeDescription(code: 1, meaning: "The relay could not start (the port is taken, the recording cannot be written)."),
            .usage,
        ],
        validate: { o in
            guard !o.upstream.isEmpty else { throw UsageError("missing '--upstream URL'", command: "serve") }
            guard CommonOptions.isHTTPURL(o.upstream) else {
                throw UsageError("'--upstream' must be an http:// or https:// URL (got '\(o.upstream)')", command: "serve")
            }
            if let r = o.record, r.file.isEmpty {
                throw UsageError("'--record-mode', '--redact', '--pseudonymize' and '--normalize-ids' need '--record FILE'", command: "serve")
            }
        })
}
