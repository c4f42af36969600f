import Foundation
import RelayCore

/// Writes a `RelayResponse` to a client: sets the framing (Content-Length when the length is
/// known, chunked otherwise), sends the head with the first body piece in one write, applies
/// truncation and bandwidth faults, and reports how it went.
struct ResponseWriter {
    let socket: Socket
    /// The request being answered; nil for a refusal before a request was understood.
    let request: HTTPRequestHead?
    let keepAlive: Bool

    struct Outcome {
        var completion: ResponseCompletion
        /// Whether the connection may serve another request.
        var keepAlive: Bool
    }

    /// How the body is framed, once the head is written.
    struct Framing {
        var chunked: Bool
        var keepAlive: Bool
        var bodyless: Bool
    }

    /// Sets the framing headers and appends the head to `out` (the event loop uses it as
    /// well, with a buffer it keeps). The head is written as it is decided: the fields kept,
    /// then the framing ones.
    func frame(_ response: RelayResponse, into out: inout [UInt8]) -> Framing {
        let head = response.head
        let status = head.status
        let bodyless = request?.method == "HEAD" || (100..<200).contains(status) || status == 204 || status == 304
        var chunked = false
        var keep = keepAlive && response.upgraded == nil
        let knownLength = response.body.knownLength
        out.reserveCapacity(out.count + 1024 + min(knownLength ?? 0, 256 * 1024))
        HTTPSerializer.writeStatusLine(head, version: .http11, into: &out)
        // The framing fields the writer sets itself are dropped as the fields are written.
        let dropLength = response.upgraded != nil || !bodyless || status == 204 || (100..<200).contains(status)
        let dropConnection = response.upgraded == nil
        for f in head.headers.fields {
            switch f.name.utf8.count {
            case 17: if HTTPHeaders.equalsIgnoringCase(f.name, "transfer-encoding") { continue }
            case 14: if dropLength, HTTPHeaders.equalsIgnoringCase(f.name, "content-length") { continue }
            case 10: if dropConnection, HTTPHeaders.equalsIgnoringCase(f.name, "connection") { continue }
            default: break
            }
            HTTPSerializer.writeField(f.name, f.value, into: &out)
        }
        if response.upgraded == nil, !bodyless {
            if let n = knownLength {
                HTTPSerializer.writeContentLength(n, into: &out)
            } else if request?.version == .http10 || request == nil {
                keep = false
            } else {
                HTTPSerializer.writeField("Transfer-Encoding", "chunked", into: &out)
                chunked = true
            }
        }
        if response.truncateAfter != nil { keep = false }
        if response.upgraded == nil, !keep { HTTPSerializer.writeField("Connection", "close", into: &out) }
        HTTPSerializer.endHead(into: &out)
        return Framing(chunked: chunked, keepAlive: keep, bodyless: bodyless)
    }

    func write(_ response: RelayResponse) -> Outcome {
        var out: [UInt8] = []
        let framing = frame(response, into: &out)
        let chunked = framing.chunked
        let keep = framing.keepAlive
        let bodyless = framing.bodyless
        var sent = 0
        do {
            if bodyless || response.upgraded != nil {
                try socket.write(out)
                return Outcome(completion: ResponseCompletion(bytesSent: 0, error: nil), keepAlive: keep)
            }
            if response.flushHead {
                try socket.write(out)
                out.removeAll(keepingCapacity: true)
            }
            let throttle = response.bytesPerSecond.map { Throttle(bytesPerSecond: $0) }
            while let piece0 = try response.body.read() {
                var piece = piece0
                if let limit = response.truncateAfter {
                    if sent >= limit { break }
                    piece = piece.prefix(limit - sent)
                }
                if let throttle {
                    // Slow bandwidth: small slices, each after its share of time.
                    var rest = piece
                    while !rest.isEmpty {
                        let slice = rest.prefix(throttle.sliceSize)
                        rest = rest.dropFirst(slice.count)
                        appendBody(slice, chunked: chunked, to: &out)
                        try socket.write(out)
                        out.removeAll(keepingCapacity: true)
                        sent += slice.count
                        throttle.pace(sent: sent)
                    }
                    continue
                }
                // Each piece goes out as it arrives (event streams must not wait); the head
                // rides with the first one, so an in-memory body is a single write.
                appendBody(piece, chunked: chunked, to: &out)
                sent += piece.count
                try socket.write(out)
                out.removeAll(keepingCapacity: true)
            }
            if let limit = response.truncateAfter, sent >= limit {
                try socket.write(out)
                return Outcome(
                    completion: ResponseCompletion(bytesSent: sent, error: "truncated after \(sent) bytes"),
                    keepAlive: false)
            }
            if chunked { HTTPSerializer.writeLastChunk(into: &out) }
            if !out.isEmpty { try socket.write(out) }
            return Outcome(completion: ResponseCompletion(bytesSent: sent, error: nil), keepAlive: keep)
        } catch {
            // The upstream failed mid-body or the client left: the status is already out, so the
            // only honest signal left is to cut the connection.
            if !out.isEmpty, sent == 0 { try? socket.write(out) }
            return Outcome(completion: ResponseCompletion(bytesSent: sent, error: "\(error)"), keepAlive: false)
        }
    }

    private func appendBody(_ piece: ArraySlice<UInt8>, chunked: Bool, to out: inout [UInt8]) {
        guard !piece.isEmpty else { return }
        if chunked { HTTPSerializer.writeChunkHeader(count: piece.count, into: &out) }
        out.append(contentsOf: piece)
        if chunked { HTTPSerializer.writeChunkEnd(into: &out) }
    }
}

/// Paces writes to a byte rate by sleeping the connection's own thread.
final class Throttle: @unchecked Sendable {
    let bytesPerSecond: Int
    let sliceSize: Int
    private let start = MonotonicClock.nanos()

    init(bytesPerSecond: Int) {
        self.bytesPerSecond = max(1, bytesPerSecond)
        self.sliceSize = max(1, min(16 * 1024, bytesPerSecond / 10))
    }

    /// Sleeps until `sent` bytes are due.
    func pace(sent: Int) {
        let due = Double(sent) / Double(bytesPerSecond) * 1e9
        let elapsed = Double(MonotonicClock.nanos() - start)
        if due > elapsed { Thread.sleep(forTimeInterval: (due - elapsed) / 1e9) }
    }
}
