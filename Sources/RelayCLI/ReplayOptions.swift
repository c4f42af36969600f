import JMAPRelay

/// `jmap-relay replay FILE`.
struct ReplayOptions: Equatable, CommandOptions {
    var file = ""
    var common = CommonOptions()
    var strict = false
    var requireAll = false
    /// Forward requests the recording cannot answer to the live upstream.
    var forwardMisses = false
    /// The live upstream for forwarded misses (default: the recording's).
    var upstream: String?

    /// The sample recording replayed when no file is named.
    static let defaultRecording = "recordings/fastmail-demo.jsonl"

    static let command = CommandDeclaration<ReplayOptions>(
        name: "replay",
        abstract: "Serve a recording with no server and no network.",
        overview: """
            Serve a recording made with 'serve --record', with no server and no network.

            Requests match the recording JMAP-aware: call by call on method names and arguments, ignoring the \
            client's call ids and creation-id names; identical requests get their recorded answers in order. A \
            request with no recorded answer gets HTTP 500 with an application/problem+json body naming the nearest \
            recorded request and what differs.

            Faults work as in 'serve' (see FAULTS in 'jmap-relay help serve'); a method-error before the server is \
            answered from the recording with the error in place.
            """,
        usage: "replay [<file>] [<options>]",
        argument: ArgumentDeclaration(
            name: "file", help: "The recording.", defaultValue: defaultRecording, missing: "missing the recording <file>",
            apply: { o, v in o.file = v }),
        options: [
            .flag("--strict", help: "Exit 1 at shutdown if any request had no recorded answer.") { $0.strict = true },
            .flag("--require-all", help: "Like --strict, and also exit 1 if a recorded exchange was never used.") {
                $0.requireAll = true
                $0.strict = true
            },
            .value("--on-miss", valueName: "mode", default: .value("error"),
                   help: "error: answer 500 naming the nearest recorded request; forward: ask the live upstream instead.") { o, v, c in
                guard v == "error" || v == "forward" else {
                    throw UsageError("'--on-miss' is error (answer 500) or forward (ask the live upstream) (got '\(v)')", command: c)
                }
                o.forwardMisses = v == "forward"
            },
            .value("--upstream", valueName: "url", default: .described("the recording's upstream"),
                   help: "The live server for '--on-miss forward'.") { o, v, c in
                guard Origin(url: v) != nil else { throw UsageError("'--upstream' must be an http:// or https:// URL (got '\(v)')", command: c) }
                o.upstream = v
            },
        ]
            + CommonOptions.listenerDeclarations.map { $0.lifted(\.common) }
            + CommonOptions.tlsDeclarations.map { $0.lifted(\.common) }
            + CommonOptions.faultDeclarations.map { $0.lifted(\.common) },
        exitCodes: [
            ExitCodeDescription(code: 0, meaning: "Stopped by SIGINT or SIGTERM; every request was answered (with --strict)."),
            ExitCodeDescription(
                code: 1,
                meaning: "With --strict, a request had no recorded answer; with --require-all, also a recorded exchange "
                    + "was never used. Also when the relay cannot start."),
            .usage, .corrupt, .unreadable,
        ],
        validate: { o in
            if o.upstream != nil, !o.forwardMisses {
                throw UsageError("'--upstream' in replay is only for '--on-miss forward'", command: "replay")
            }
        })
}
