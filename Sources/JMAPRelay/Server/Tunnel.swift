import Foundation
import RelayCore

/// Relays raw bytes both ways after a `101 Switching Protocols` until either side closes.
/// Bytes are never altered, unless a push fault rule is loaded (`filter`). An observer (the WebSocket trace) sees each piece just before it
/// is forwarded, so what it reports keeps causal order: a request is seen before the upstream
/// can have answered it.
struct Tunnel {
    let client: Socket
    /// Bytes the client sent after its upgrade request, already read.
    let clientPrefix: [UInt8]
    let upstream: any ByteStream
    /// Sees each piece before it is forwarded; nil for a plain byte tunnel.
    var observer: (any TunnelObserver)?
    /// Changes what the upstream sends before the client gets it (push faults); nil forwards
    /// bytes unchanged.
    var filter: (any TunnelFilter)?

    func run() {
        client.setReadTimeout(nil)
        let upstream = self.upstream
        let client = self.client
        let prefix = clientPrefix
        let observer = self.observer
        let filter = self.filter
        let up = Thread {
            defer { upstream.close() }
            do {
                if !prefix.isEmpty {
                    observer?.clientSent(prefix[...])
                    try upstream.write(prefix)
                }
                while true {
                    let b = try client.read(max: 64 * 1024)
                    if b.isEmpty { return }
                    observer?.clientSent(b)
                    try upstream.write(b)
                }
            } catch {}
        }
        up.start()
        do {
            while true {
                let b = try upstream.read(max: 64 * 1024)
                if b.isEmpty { break }
                guard let filter else {
                    observer?.upstreamSent(b)
                    try client.write(b)
                    continue
                }
                let (forward, end) = filter.upstreamBytes(b)
                if !forward.isEmpty {
                    observer?.upstreamSent(forward[...])
                    try client.write(forward)
                }
                if end { break }
            }
        } catch {}
        client.shutdownWrite()
        client.shutdownRead()
        upstream.close()
    }
}

/// Changes the bytes the upstream sends before they reach the client. Called from the one
/// thread relaying that direction.
protocol TunnelFilter: Sendable {
    /// What to forward for `bytes`, and whether the tunnel ends after it.
    func upstreamBytes(_ bytes: ArraySlice<UInt8>) -> (forward: [UInt8], end: Bool)
}

/// Looks at the bytes crossing a tunnel. Each method is called from one thread only (one per
/// direction), just before the bytes are forwarded; it must be quick and must not block.
protocol TunnelObserver: Sendable {
    /// Bytes the client sent towards the upstream.
    func clientSent(_ bytes: ArraySlice<UInt8>)
    /// Bytes the upstream sent towards the client.
    func upstreamSent(_ bytes: ArraySlice<UInt8>)
}
