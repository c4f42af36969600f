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
          --auth-env <name>       Add an Authorization header from this environment variable
                                  to requests that carry none: 'Bearer …' or 'Basic …' as is,
                                  'user:password' as Basic, anything else as a Bearer token.
          --upstream-ca <file>    Trust the CA certificates in this PEM file for https.
          --insecure              Do not verify the upstream's certificate (test servers only).
          --upstream-timeout <s>  Seconds to wait for the upstream before answering 504.
                                  (default: 60)
          --connect-timeout <s>   Seconds to wait for a connection to the upstream. (default: 10)
          --max-body-size <bytes> Refuse request bodies larger than this with 413.
          -h, --help              Show help information.
        """

    static func text(for command: String?) -> String? {
        switch command {
        case nil: return main
        case "serve": return serve
        default: return nil
        }
    }

    static func usageLine(for command: String?) -> String {
        switch command {
        case "serve": return "Usage: jmap-relay serve --upstream <url> [<options>]"
        default: return "Usage: jmap-relay <subcommand> [<options>]"
        }
    }
}
