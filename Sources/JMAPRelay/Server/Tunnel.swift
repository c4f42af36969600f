import Foundation
import RelayCore

/// Relays raw bytes both ways after a `101 Switching Protocols` until either side closes.
/// The WebSocket relay builds on this with a frame parser; bytes are never altered here.
struct Tunnel {
    let client: Socket
    /// Bytes the client sent after its upgrade request, already read.
    let clientPrefix: [UInt8]
    let upstream: any ByteStream

    func run() {
        client.setReadTimeout(nil)
        let upstream = self.upstream
        let client = self.client
        let prefix = clientPrefix
        let up = Thread {
            defer { upstream.close() }
            do {
                if !prefix.isEmpty { try upstream.write(prefix) }
                while true {
                    let b = try client.read(max: 64 * 1024)
                    if b.isEmpty { return }
                    try upstream.write(b)
                }
            } catch {}
        }
        up.start()
        do {
            while true {
                let b = try upstream.read(max: 64 * 1024)
                if b.isEmpty { break }
                try client.write(b)
            }
        } catch {}
        client.shutdownWrite()
        client.shutdownRead()
        upstream.close()
    }
}
