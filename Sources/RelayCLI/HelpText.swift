import JMAPRelay

/// Help in swift-argument-parser's layout: OVERVIEW, USAGE, OPTIONS, SUBCOMMANDS.
enum HelpText {
    static let main = """
        OVERVIEW: A local JMAP proxy and debugging relay: forwards a JMAP client's traffic to the
        real server, rewrites the session so the client keeps coming back, and prints every
        method call.

        USAGE: jmap-relay <subcommand>

        OPTIONS:
          --version               Show the version.
          -h, --help              Show help information.

        SUBCOMMANDS:
          serve                   Relay to a live JMAP server and trace every exchange.
          replay                  Serve a recording with no server and no network.
          lint                    Check a recording for what a stricter JMAP server would reject.
          inspect                 Summarise a recording: endpoints, method calls, errors.
          export-har              Convert a recording to a HAR 1.2 file.
          normalize               Replace a recording's server ids and states by stable tokens.

          See 'jmap-relay help <subcommand>' for detailed help.
        """

    static let serve = """
        OVERVIEW: Relay a JMAP client's traffic to a live server and trace every exchange.

        Point the client at http://127.0.0.1:8470/.well-known/jmap (the start-up message prints
        the exact URL). The session's apiUrl, uploadUrl, downloadUrl, eventSourceUrl and
        WebSocket url come back pointing at the relay. One line per exchange goes to stdout;
        logs go to stderr.

        USAGE: jmap-relay serve --upstream <url> [<options>]

        OPTIONS:
          --upstream <url>        The JMAP server, e.g. https://api.fastmail.com or
                                  http://127.0.0.1:8480. A path is taken as the session URL.
          --listen <host:port>    Where to listen. Port 0 picks a free port. (default:
                                  127.0.0.1:8470)
          --trace <format>        text, json (one object per line) or off. (default: text)
          --io <model>            epoll: one event loop per core, threads only for streams
                                  and faults; threads: a thread per connection. (default: epoll)
          --poll-us <n>           Microseconds a busy event loop keeps polling before it
                                  sleeps: lower latency for a little CPU; 0 to sleep at once.
                                  (default: 50)
          --loops <n>             Event loops (threads serving connections). (default: one
                                  per core)
          --auth-env <name>       Add an Authorization header from this environment variable
                                  to requests that carry none: 'Bearer …' or 'Basic …' as is,
                                  'user:password' as Basic, anything else as a Bearer token.
          --upstream-ca <file>    Trust the CA certificates in this PEM file for https.
          --insecure              Do not verify the upstream's certificate (test servers only).
          --upstream-timeout <s>  Seconds to wait for the upstream before answering 504.
                                  (default: 60)
          --connect-timeout <s>   Seconds to wait for a connection to the upstream. (default: 10)
          --push-callback-url <url>
                                  Public base URL the server should POST webhook pushes to; a
                                  PushSubscription/set gets <url>/_relay/push/<token> in place
                                  of the client's URL, and pushes on it are forwarded there.
                                  (default: the relay's own address)
          --max-body-size <bytes> Refuse request bodies larger than this with 413.
          --record <file>         Record every exchange to this .jsonl file (secrets redacted).
          --record-mode <mode>    all (replace), once (refuse if the file exists), new (replay
                                  what the file has, forward and append the rest), none.
                                  (default: all)
          --redact <json-path>    Also mask this JSON path in recorded bodies, e.g.
                                  '$.accounts.*.name' or '$..bodyValues'. Repeatable.
          --pseudonymize          Replace e-mail addresses and names with stable fakes.
          --normalize-ids         Replace server-assigned ids and states with stable tokens
                                  (A1 accounts, I1 ids, B1 blob ids, S1 states), so a re-record
                                  against a fresh server gives the same file. With
                                  --record-mode new, numbering goes on from the file's tokens.
        \(faultAndLintOptions)
          -h, --help              Show help information.

        FAULTS:
          A spec is key=value words. Match: method=POST path=/jmap/api* endpoint=api|session|
          upload|download|eventsource call=Email/* account=ID. When: nth=N first=N every=N
          probability=P limit=N (default: always). Actions:
            status:503 [retry-after=S]      answer with this status, upstream not asked
            delay:MS [phase=response]       wait before the request goes up (or the answer)
            reset | hang                    cut the connection | never answer
            truncate:BYTES                  cut the response body
            bandwidth:BYTES_PER_SECOND      slow both directions
            request-error:TYPE              unknownCapability, notJSON, notRequest, limit
                                            [target=maxCallsInRequest]
            method-error:TYPE [phase=after] the matching calls fail; before (default) the
                                            server never sees them and calls referring to
                                            them get invalidResultReference; after, it ran them
            set-error:TYPE [op=update] [target=ID|index=N]  records become SetErrors
            bump-session-state              sessionState changes, as after a session change
            drop-capability:URN             the session loses it; requests using it fail
            limit:NAME=VALUE                lower a core limit in the session and enforce it
          Push (endpoint=eventsource|websocket; the when-words count state events or
          StateChanges, not exchanges):
            drop-event | duplicate-event    the event never arrives | arrives twice
            delay-event:MS                  hold the event back
            cut-after:N                     end the stream (cut the WebSocket) after N events
          A refused connect is an HTTP fault: endpoint=eventsource action=status:503.
          While running: GET/POST/DELETE http://127.0.0.1:8470/_relay/faults (loopback only).
        """

    static let replay = """
        OVERVIEW: Serve a recording made with 'serve --record', with no server and no network.

        Requests match the recording JMAP-aware: call by call on method names and arguments,
        ignoring the client's call ids and creation-id names; identical requests get their
        recorded answers in order. A request with no recorded answer gets HTTP 500 with an
        application/problem+json body naming the nearest recorded request and what differs.

        USAGE: jmap-relay replay [<file>] [<options>]

        ARGUMENTS:
          <file>                  The recording. (default: recordings/fastmail-demo.jsonl)

        OPTIONS:
          --strict                Exit 1 at shutdown if any request had no recorded answer.
          --require-all           Like --strict, and also exit 1 if a recorded exchange was
                                  never used.
          --on-miss <mode>        error: answer 500 naming the nearest recorded request;
                                  forward: ask the live upstream instead. (default: error)
          --upstream <url>        The live server for '--on-miss forward'. (default: the
                                  recording's upstream)
          --listen <host:port>    Where to listen. Port 0 picks a free port. (default:
                                  127.0.0.1:8470)
          --trace <format>        text, json or off. (default: text)
          --io <model>            epoll or threads. (default: epoll)
          --poll-us <n>           Microseconds a busy event loop polls before it sleeps.
                                  (default: 50)
          --loops <n>             Event loops. (default: one per core)
        \(faultAndLintOptions)
          -h, --help              Show help information.

          Faults work as in 'serve' (see 'jmap-relay help serve'); a method-error before the
          server is answered from the recording with the error in place.
        """

    static let lint = """
        OVERVIEW: Check a recording for what a stricter JMAP server (or client) would reject.

        Every exchange is checked in order against RFC 8620/8621/8887 rules about the client
        (capabilities in 'using', result references, limits, states, retries) and the server
        (session properties and URLs, call ids, newState, Content-Type). Each finding names
        its rule, level, RFC section, exchange #seq and call id.

        USAGE: jmap-relay lint <file> [<options>]

        ARGUMENTS:
          <file>                  The recording (.jsonl, from 'serve --record').

        OPTIONS:
          --format <format>       text (grouped by rule) or json. (default: text)
          --lint-ignore <id>      Switch a rule off; repeatable, or a comma list.
          -h, --help              Show help information.

        Exit status: 1 if any finding is an error, 0 otherwise, 65 if the recording is
        corrupt, 66 if it cannot be read, 64 for bad usage.

        RULES:
        \(ruleList)
        """

    /// One line per lint rule: id and level.
    static var ruleList: String {
        LintRules.all.map { "  \($0.id)\(String(repeating: " ", count: max(2, 38 - $0.id.count)))\($0.level.rawValue)" }
            .joined(separator: "\n")
    }
    static let inspect = """
        OVERVIEW: Summarise a recording: upstream, time span, exchanges by endpoint, JMAP method
        calls with counts, and every error (HTTP status 400 and above, method-level errors,
        SetErrors in notCreated/notUpdated/notDestroyed).

        USAGE: jmap-relay inspect <file> [--calls]

        ARGUMENTS:
          <file>                  The recording (.jsonl), e.g. recordings/sync.jsonl.

        OPTIONS:
          --calls                 Also list every method call: exchange, name, call id,
                                  arguments (abbreviated) and the responses that answered it.
          -h, --help              Show help information.
        """

    static let exportHAR = """
        OVERVIEW: Convert a recording to a HAR 1.2 file for a browser's network panel, Charles
        or Fiddler. Authorization and cookie headers are masked; bodies that are not text are
        written as base64.

        USAGE: jmap-relay export-har <file> [-o <out.har>]

        ARGUMENTS:
          <file>                  The recording (.jsonl).

        OPTIONS:
          -o, --output <file>     Write the HAR here. (default: stdout)
          -h, --help              Show help information.
        """

    static let normalize = """
        OVERVIEW: Replace the server-assigned ids and state strings of a recording by stable
        tokens, numbered in order of first appearance: A1 accounts, I1 object ids, B1 blob ids,
        S1 states. A fixture re-recorded against a fresh server then comes out the same and
        diffs cleanly, and a test asserting on ids survives a re-record.

        Only JMAP positions change, consistently across the file: the session's accounts and
        state, ids and states in requests and answers, push messages, and the account and
        blob ids in download and upload paths. Names, creation ids, header values (messageId,
        references) and the client's request ids stay. The result replays like the original:
        the client only ever sees the tokens. 'serve --normalize-ids' does the same while
        recording.

        USAGE: jmap-relay normalize <file> (-o <out.jsonl> | --in-place)

        ARGUMENTS:
          <file>                  The recording (.jsonl).

        OPTIONS:
          -o, --output <file>     Write the normalised recording here (changed side-stored
                                  bodies go to <file>.blobs/, unchanged ones are copied).
          --in-place              Rewrite <file> itself.
          -h, --help              Show help information.

        Exit status: 0 when written, 65 if the recording is corrupt, 66 if it cannot be read,
        73 if the output cannot be written, 64 for bad usage.
        """

    /// The fault and lint options `serve` and `replay` share.
    static let faultAndLintOptions = """
          --fault <spec>          Inject a fault, e.g. 'call=Email/set action=method-error:serverFail
                                  nth=1' or 'path=/jmap/api* action=status:503 retry-after=2
                                  first=2'. Repeatable. See FAULTS in 'help serve'.
          --faults <file>         Load fault rules from a file: JSON ({"seed":42,"rules":[…]}) or
                                  one spec per line.
          --seed <n>              Seed for probability=… faults: the same seed and traffic give
                                  the same faults. (default: 0)
          --limits <mode>         strict: enforce the session's own advertised limits
                                  (maxCallsInRequest, maxObjectsInGet, …) on every request, as
                                  a strict server would. (default: off)
          --lint                  Check every exchange against the lint rules ('jmap-relay help
                                  lint') and print findings under its trace line.
          --lint-ignore <id>      Switch a lint rule off (implies --lint). Repeatable.
        """

    static func text(for command: String?) -> String? {
        switch command {
        case nil: return main
        case "serve": return serve
        case "replay": return replay
        case "lint": return lint
        case "inspect": return inspect
        case "export-har": return exportHAR
        case "normalize": return normalize
        default: return nil
        }
    }

    static func usageLine(for command: String?) -> String {
        switch command {
        case "serve": return "Usage: jmap-relay serve --upstream <url> [<options>]"
        case "replay": return "Usage: jmap-relay replay [<file>] [<options>]"
        case "lint": return "Usage: jmap-relay lint <file> [<options>]"
        case "inspect": return "Usage: jmap-relay inspect <file> [--calls]"
        case "export-har": return "Usage: jmap-relay export-har <file> [-o <out.har>]"
        case "normalize": return "Usage: jmap-relay normalize <file> (-o <out.jsonl> | --in-place)"
        default: return "Usage: jmap-relay <subcommand> [<options>]"
        }
    }
}
