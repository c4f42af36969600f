import Foundation
import JMAPRelay
import Synchronization

/// An in-process HTTP/1.1 server on 127.0.0.1 port 0 that plays a JMAP server in tests: it
/// serves a session, answers API calls through a handler, streams events, speaks JMAP over
/// WebSocket, and can misbehave on demand
/// (refuse, reset, hang, send garbage), the way a real server has a bad day.
public final class FakeUpstream: Sendable {
    /// What to do with one request.
    public enum Reply: Sendable {
        /// Answer normally.
        case respond(status: Int, headers: HTTPHeaders, body: [UInt8])
        /// Send these raw bytes and close.
        case raw([UInt8])
        /// Close the connection without answering.
        case close
        /// Never answer (until the server stops).
        case hang
        /// Send the head, then a chunked body piece by piece as `next` returns it (nil ends it).
        case stream(status: Int, headers: HTTPHeaders, next: @Sendable () -> [UInt8]?)
        /// Accept a WebSocket upgrade and speak JMAP over it (RFC 8887), answering calls with `api`.
        case webSocket(subprotocol: String?, api: @Sendable (String, JSONValue, String) -> JSONValue)
        /// Send these raw bytes, then close with a TCP reset (a crash in the middle of a body).
        case rawThenReset([UInt8])
    }

    /// The handler type: request head and body in, reply out.
    public typealias Handler = @Sendable (HTTPRequestHead, [UInt8]) -> Reply

    private let listener: Socket
    private let handler: Handler
    private let stopped = Atomic(false)
    private let received = Locked<[HTTPRequestHead]>([])
    private let open = Locked<[Socket]>([])
    let closeCodes = Locked<[UInt16]>([])

    /// Status codes of the WebSocket close frames received so far.
    public var webSocketCloseCodes: [UInt16] { closeCodes.withLock { $0 } }
    /// Connections still being served, with a condition to wait for them to end.
    private let serving = NSCondition()
    nonisolated(unsafe) private var servingCount = 0

    /// The port it listens on.
    public let port: Int

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts listening; `handler` answers every request.
    public init(handler: @escaping Handler) throws {
        listener = try Socket.listen(host: "127.0.0.1", port: 0)
        port = listener.localPort
        self.handler = handler
        let t = Thread { [self] in acceptLoop() }
        t.start()
    }

    /// Connections accepted so far (keep-alive reuse shows as fewer connections than requests).
    public var connectionCount: Int { open.withLock { $0.count } }

    /// Heads of every request received so far.
    public var requests: [HTTPRequestHead] { received.withLock { $0 } }

    /// Waits until every accepted connection has been closed (at most `timeout`); false if
    /// some are still open then. Lets a test count descriptors without racing the server.
    public func waitUntilIdle(timeout: Duration = .seconds(5)) -> Bool {
        let c = timeout.components
        let deadline = Date().addingTimeInterval(Double(c.seconds) + Double(c.attoseconds) / 1e18)
        serving.lock()
        defer { serving.unlock() }
        while servingCount > 0 {
            if !serving.wait(until: deadline) { return servingCount == 0 }
        }
        return true
    }

    /// Stops the server and closes its connections.
    public func stop() {
        if stopped.exchange(true, ordering: .acquiringAndReleasing) { return }
        listener.close()
        for s in open.withLock({ $0 }) { s.close() }
    }

    deinit { stop() }

    private func acceptLoop() {
        while !stopped.load(ordering: .acquiring) {
            guard let conn = try? listener.accept() else { return }
            open.withLock { $0.append(conn) }
            serving.lock()
            servingCount += 1
            serving.unlock()
            let t = Thread { [self] in
                serve(conn)
                serving.lock()
                servingCount -= 1
                serving.broadcast()
                serving.unlock()
            }
            t.start()
        }
    }

    private func serve(_ conn: Socket) {
        defer { conn.close() }
        var parser = HTTPRequestParser()
        var head: HTTPRequestHead?
        var body: [UInt8] = []
        while true {
            do {
                while let part = try parser.next() {
                    switch part {
                    case .head(let h):
                        head = h
                        body = []
                    case .body(let b): body += b
                    case .end:
                        guard let h = head else { continue }
                        received.withLock { $0.append(h) }
                        switch handler(h, body) {
                        case .respond(let status, let headers, let b):
                            var rh = HTTPResponseHead(status: status, headers: headers)
                            if !rh.headers.contains("content-length"), !rh.headers.contains("transfer-encoding") {
                                rh.headers.add("Content-Length", String(b.count))
                            }
                            var out: [UInt8] = []
                            HTTPSerializer.write(rh, into: &out)
                            if h.method != "HEAD" { out += b }
                            try conn.write(out)
                        case .raw(let bytes):
                            try conn.write(bytes)
                            return
                        case .close:
                            return
                        case .rawThenReset(let bytes):
                            try conn.write(bytes)
                            conn.reset()
                            return
                        case .hang:
                            while !stopped.load(ordering: .acquiring), (try? conn.read(max: 1024))?.isEmpty == false {}
                            return
                        case .stream(let status, let headers, let next):
                            try writeStream(conn, status: status, headers: headers, next: next)
                            return
                        case .webSocket(let subprotocol, let api):
                            try serveWebSocket(conn, request: h, leftover: parser.takeRemaining(), subprotocol: subprotocol, api: api)
                            return
                        }
                    }
                }
                let chunk = try conn.read(max: 64 * 1024)
                if chunk.isEmpty { return }
                parser.append(Array(chunk))
            } catch {
                return
            }
        }
    }
}

extension FakeUpstream {
    /// A JMAP server: `/.well-known/jmap` redirects to `/jmap/session` (as Cyrus does), the
    /// session uses relative URLs, `/jmap/api/` answers each call through `api`, uploads echo
    /// a blob id and downloads return the blob id's bytes.
    public static func jmap(
        session: JSONValue? = nil,
        eventStream: FakeEventStream? = nil,
        api: @escaping @Sendable (_ method: String, _ args: JSONValue, _ callId: String) -> JSONValue = FakeUpstream.echo
    ) throws -> FakeUpstream {
        let portBox = Locked(0)
        let server = try FakeUpstream { head, body in
            let port = portBox.withLock { $0 }
            let path = String(head.path)
            switch (head.method, path) {
            case ("GET", "/.well-known/jmap"):
                return .respond(status: 301, headers: ["Location": "http://127.0.0.1:\(port)/jmap/session"], body: [])
            case ("GET", "/jmap/session"):
                return .respond(status: 200, headers: ["Content-Type": "application/json"],
                                body: (session ?? FakeUpstream.defaultSession).serialized())
            case ("POST", "/jmap/api/"):
                guard let req = try? JSONParser.parse(body), let calls = req["methodCalls"]?.arrayValue else {
                    let p = ProblemDetails(type: "urn:ietf:params:jmap:error:notJSON", title: "Not JSON", status: 400, detail: "not JSON")
                    return .respond(status: 400, headers: ["Content-Type": ProblemDetails.contentType], body: p.body)
                }
                let responses: [JSONValue] = calls.map { c in
                    let name = c[0]?.stringValue ?? ""
                    let id = c[2]?.stringValue ?? ""
                    return .array([.string(name), api(name, c[1] ?? .null, id), .string(id)])
                }
                let out: JSONValue = ["methodResponses": .array(responses), "sessionState": "s1"]
                return .respond(status: 200, headers: ["Content-Type": "application/json"], body: out.serialized())
            case ("POST", _) where path.hasPrefix("/jmap/upload/"):
                let blob: JSONValue = ["accountId": "u1", "blobId": .string("B\(body.count)"), "size": .int(body.count), "type": .string(head.headers["content-type"] ?? "")]
                return .respond(status: 201, headers: ["Content-Type": "application/json"], body: blob.serialized())
            case ("GET", "/jmap/ws/") where head.headers.tokens(for: "upgrade").contains("websocket"):
                return .webSocket(subprotocol: "jmap", api: api)
            case ("GET", "/jmap/eventsource/") where eventStream != nil:
                var headers: HTTPHeaders = ["Content-Type": "text/event-stream", "Cache-Control": "no-cache"]
                for f in eventStream!.extraHeaders { headers.add(f.name, f.value) }
                return .stream(status: 200, headers: headers, next: { eventStream!.next() })
            case ("GET", _) where path.hasPrefix("/jmap/download/"):
                return .respond(status: 200, headers: ["Content-Type": "application/octet-stream"], body: Array(path.utf8))
            default:
                return .respond(status: 404, headers: ["Content-Type": "text/plain"], body: Array("not found".utf8))
            }
        }
        portBox.withLock { $0 = server.port }
        return server
    }

    /// Answers every call with its own arguments plus `"echo": true`.
    public static let echo: @Sendable (String, JSONValue, String) -> JSONValue = { _, args, _ in
        var a = args
        a["echo"] = true
        return a
    }

    /// A Cyrus-shaped session: relative URLs and the host-less `wss:` WebSocket URL.
    public static let defaultSession: JSONValue = [
        "capabilities": [
            "urn:ietf:params:jmap:core": ["maxSizeUpload": 50_000_000, "maxCallsInRequest": 16, "maxObjectsInGet": 500,
                                          "maxObjectsInSet": 500, "maxSizeRequest": 10_000_000, "maxConcurrentRequests": 4,
                                          "maxConcurrentUpload": 4, "collationAlgorithms": []],
            "urn:ietf:params:jmap:mail": [:],
            "urn:ietf:params:jmap:websocket": ["url": "wss:/jmap/ws/", "supportsPush": true],
        ],
        "accounts": ["u1": ["name": "test@example.com", "isPersonal": true, "isReadOnly": false, "accountCapabilities": [:]]],
        "primaryAccounts": ["urn:ietf:params:jmap:mail": "u1"],
        "username": "test@example.com",
        "apiUrl": "/jmap/api/",
        "downloadUrl": "/jmap/download/{accountId}/{blobId}/{name}?accept={type}",
        "uploadUrl": "/jmap/upload/{accountId}/",
        "eventSourceUrl": "/jmap/eventsource/?types={types}&closeafter={closeafter}&ping={ping}",
        "state": "0",
    ]
}
