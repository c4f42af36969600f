// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "jmap-relay",
    products: [
        .library(name: "JMAPRelay", targets: ["JMAPRelay"]),
        .executable(name: "jmap-relay", targets: ["jmap-relay"]),
    ],
    dependencies: [],
    targets: [
        // System libraries from Debian: OpenSSL for TLS and digests, zlib for gzip.
        .systemLibrary(
            name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // epoll and eventfd for the event loops (header-only wrappers).
        .systemLibrary(name: "CEpoll", path: "Sources/CEpoll"),
        // Pure logic: codec, JSON, JMAP, session rewriting, recording, replay, faults. No sockets.
        .target(name: "RelayCore"),
        // I/O: sockets, TLS, listener, upstream client, the running relay.
        .target(name: "JMAPRelay", dependencies: ["RelayCore", "COpenSSL", "CZlib", "CEpoll"]),
        // Command line: argument parsing, help, subcommands.
        .target(name: "RelayCLI", dependencies: ["JMAPRelay"]),
        .executableTarget(name: "jmap-relay", dependencies: ["RelayCLI"]),
        // Helpers for this package's tests and the fuzz runner: a fake JMAP server on port 0, raw
        // HTTP and WebSocket clients. Not a product: a client's own tests need only JMAPRelay
        // (`Relay.replaying`, `Relay.serving`), which the README shows.
        .target(name: "RelayTestSupport", dependencies: ["JMAPRelay"]),
        // The long fuzz run over the codec and the recording loader (tools/fuzz).
        .executableTarget(name: "relay-fuzz", dependencies: ["RelayTestSupport"]),
        .testTarget(
            name: "RelayCoreTests", dependencies: ["RelayCore", "RelayTestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "JMAPRelayTests", dependencies: ["JMAPRelay", "RelayTestSupport"]),
        .testTarget(name: "RelayCLITests", dependencies: ["RelayCLI", "RelayTestSupport"]),
    ]
)
