import Foundation
import JMAPRelay

/// `jmap-relay ca`: the path of the local CA that `--tls` serves with, made if needed, for
/// scripts that must trust it (`REQUESTS_CA_BUNDLE=$(jmap-relay ca)`).
struct CAOptions: Equatable, CommandOptions {
    var tlsDirectory = ListenerTLSConfiguration.defaultDirectory()

    static let command = CommandDeclaration<CAOptions>(
        name: "ca",
        abstract: "Print the path of the local CA that --tls uses, making it if needed.",
        overview: """
            Print the path of the CA certificate that 'serve --tls' and 'replay --tls' use, making the CA if it \
            does not exist yet, so that a script can trust it before the relay starts: \
            REQUESTS_CA_BUNDLE=$(jmap-relay ca) python client.py. The CA's key stays in the same directory, \
            readable by you only.
            """,
        usage: "ca [--tls-dir <dir>]",
        options: [CommonOptions.tlsDirectoryDeclaration { o, v in o.tlsDirectory = v }],
        exitCodes: [
            ExitCodeDescription(code: 0, meaning: "The path is printed on stdout."),
            ExitCodeDescription(code: 1, meaning: "The CA cannot be made or read (the reason is on stderr)."),
            .usage,
        ])
}

extension CLI {
    static func runCA(_ o: CAOptions) -> Int32 {
        do {
            print(try LocalCA(directory: o.tlsDirectory).certificatePath)
            return 0
        } catch {
            printErr("Error: \(error)")
            return 1
        }
    }
}
