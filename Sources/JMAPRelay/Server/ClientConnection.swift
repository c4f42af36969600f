import Foundation
import RelayCore
import Synchronization

/// One client connection, served by one thread from accept to close: reads requests with the
/// codec, hands each to the pipeline, writes the reply, and loops while keep-alive holds.
/// An event loop may hand over a connection it started, with its parser and a request
/// already under way (`run(startingWith:)`, `resume(_:request:)`).
/// Owned by its thread; `interruptIfIdle()` may be called from the shutdown thread.
final class ClientConnection: @unchecked Sendable {
    let socket: Socket
    private let pipeline: Pipeline
    private let config: RelayConfiguration
    private var parser: HTTPRequestParser
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)
    private let busy = Atomic(false)
    /// Asked once per connection, not once per request.
    private lazy var peerIsLoopback = socket.isPeerLoopback

    /// - Parameters:
    ///   - parser: the parser of an event loop that read the start of this connection.
    init(socket: Socket, pipeline: Pipeline, config: RelayConfiguration, parser: HTTPRequestParser? = nil) {
        self.socket = socket
        self.pipeline = pipeline
        self.config = config
        self.parser = parser ?? Self.makeParser(config)
    }

    /// The request parser with the configured limits.
    static func makeParser(_ config: RelayConfiguration) -> HTTPRequestParser {
        HTTPRequestParser(limits: HTTPParserLimits(maxBodyBytes: config.maxRequestBodyBytes))
    }

    /// Closes the connection if it is waiting for a next request; a busy one finishes first.
    func interruptIfIdle() {
        if !busy.load(ordering: .acquiring) { socket.shutdownRead() }
    }

    /// Serves requests until the client leaves, keep-alive ends or the relay stops.
    /// - Parameters:
    ///   - first: a head the parser already returned (handed over by an event loop).
    func run(startingWith first: HTTPRequestHead? = nil) {
        defer { socket.close() }
        var pending = first
        while pending != nil || !pipeline.isStopping {
            let head: HTTPRequestHead
            if let p = pending {
                head = p
                pending = nil
            } else {
                switch readHead() {
                case .head(let h): head = h
                case .closed: return
                case .timedOut:
                    writeRefusal(ProblemDetails.headTimedOut(config.headTimeout))
                    return
                case .failed(let error):
                    writeRefusal(ProblemDetails.malformedRequest(error))
                    return
                }
            }
            busy.store(true, ordering: .releasing)
            defer { busy.store(false, ordering: .releasing) }
            let body = ClientBodySource(connection: self, head: head, framing: parser.framing)
            let request = IncomingRequest(
                head: head, body: body, fromLoopback: peerIsLoopback, arrivalNanos: MonotonicClock.nanos())
            guard respond(pipeline.handle(request), to: head, body: body) else { return }
        }
    }

    /// Writes the reply to a request whose body an event loop already read, then serves the
    /// connection's next requests.
    func resume(_ reply: RelayReply, request head: HTTPRequestHead) {
        busy.store(true, ordering: .releasing)
        let more = respond(reply, to: head, body: nil)
        busy.store(false, ordering: .releasing)
        if more { run() } else { socket.close() }
    }

    /// Writes one reply; false when the connection is done.
    private func respond(_ reply: RelayReply, to head: HTTPRequestHead, body: ClientBodySource?) -> Bool {
        switch reply {
        case .reset:
            socket.reset()
            return false
        case .hang:
            holdUntilClientLeaves()
            return false
        case .response(let response):
            let keepAlive = HeaderPolicy.clientWantsKeepAlive(head) && !response.close && !pipeline.isStopping
            let writer = ResponseWriter(socket: socket, request: head, keepAlive: keepAlive)
            let outcome = writer.write(response)
            response.completion?(outcome.completion)
            if let upstreamSide = response.upgraded, outcome.completion.error == nil {
                var tunnel = Tunnel(client: socket, clientPrefix: parser.takeRemaining(), upstream: upstreamSide)
                tunnel.observer = response.tunnelObserver
                tunnel.filter = response.tunnelFilter
                tunnel.run()
                return false
            }
            if !outcome.keepAlive { return false }
            guard let body else { return true }
            if let err = body.failure {
                config.logSink.map { $0("jmap-relay: client body failed: \(err)") }
                return false
            }
            return body.drain(limit: 1 << 20)
        }
    }

    private enum HeadResult {
        case head(HTTPRequestHead)
        case closed
        /// A head began but did not finish within the head timeout (a slow client).
        case timedOut
        case failed(HTTPParseError)
    }

    /// Waits for the next request head: the idle timeout applies before its first byte, the
    /// head timeout after it (a client sending a byte a second is cut off).
    private func readHead() -> HeadResult {
        var deadline: UInt64?
        socket.setReadTimeout(config.idleTimeout)
        while true {
            do {
                if let part = try parser.next() {
                    if case .head(let h) = part { return .head(h) }
                    continue
                }
            } catch {
                return .failed(error)
            }
            if deadline == nil, parser.bufferedCount > 0 {
                // Whole milliseconds: `components.seconds` alone made a 500 ms timeout zero.
                deadline = MonotonicClock.nanos() + UInt64(max(0, config.headTimeout.milliseconds)) * 1_000_000
                socket.setReadTimeout(config.headTimeout)
            }
            if let d = deadline, MonotonicClock.nanos() > d { return .timedOut }
            let read: Int
            do {
                read = try readSome()
            } catch let e as SocketError where e.kind == .timeout && parser.bufferedCount > 0 {
                return .timedOut
            } catch {
                read = 0
            }
            guard read > 0 else {
                parser.appendEOF()
                if case .failed(let e) = drainParserAfterEOF() { return .failed(e) }
                return .closed
            }
        }
    }

    private func drainParserAfterEOF() -> HeadResult {
        do { _ = try parser.next() } catch { return .failed(error) }
        return .closed
    }

    /// Reads from the socket into the parser; returns the byte count (0 at end of stream).
    func readSome() throws -> Int {
        let n = try scratch.withUnsafeMutableBytes { try socket.read(into: $0) }
        if n > 0 { scratch.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) } }
        return n
    }

    /// The next part of the current request's body, reading the socket as needed.
    func nextBodyPart() throws -> HTTPPart<HTTPRequestHead>? {
        while true {
            if let part = try parser.next() { return part }
            if try readSome() == 0 {
                parser.appendEOF()
                if let part = try parser.next() { return part }
                throw HTTPParseError.unexpectedEnd
            }
        }
    }

    /// Sends `100 Continue` (the client asked with `Expect: 100-continue`).
    func sendContinue() throws {
        try socket.write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
    }

    private func writeRefusal(_ problem: ProblemDetails) {
        let writer = ResponseWriter(socket: socket, request: nil, keepAlive: false)
        _ = writer.write(RelayResponse.problem(problem))
        pipeline.noteRefusal(problem, peer: socket.peerDescription)
    }

    private func holdUntilClientLeaves() {
        socket.setReadTimeout(nil)
        while let n = try? readSome(), n > 0 {}
    }
}
