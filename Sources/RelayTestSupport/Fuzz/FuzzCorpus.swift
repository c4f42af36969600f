import Foundation

/// Valid inputs the fuzz targets start from, and the tokens their mutator splices in.
public enum FuzzCorpus {
    /// Requests a JMAP client sends: pipelined, chunked with trailers, `100-continue`, HTTP/1.0.
    public static let requests: [String] = [
        "GET /.well-known/jmap HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic dGVzdDp0ZXN0\r\n\r\n",
        "POST /jmap/api/ HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 53\r\n\r\n"
            + #"{"using":["urn:ietf:params:jmap:core"],"methodCalls":[]}"#.prefix(53),
        "POST /jmap/upload/u1/ HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=x\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n",
        "POST /jmap/upload/u1/ HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nblob",
        "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n"
            + "POST /c HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nokHEAD /d HTTP/1.0\r\n\r\n",
        "\r\nGET /after-empty-line?x=1&y=%20 HTTP/1.1\r\nHost: a\r\nX-Empty:\r\nX-Tab:\tv\t\r\n\r\n",
        "GET /jmap/ws/ HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
        "PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
    ]

    /// Responses an upstream sends: fixed, chunked with trailers, close-delimited, interim 100,
    /// 204/304 without bodies, a 101 upgrade.
    public static let responses: [String] = [
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\nA;x=1\r\n0123456789\r\n0\r\nServer-Timing: db;dur=1\r\n\r\n",
        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the server closes",
        "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n",
        "HTTP/1.1 301 Moved Permanently\r\nLocation: /jmap/session\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u{81}\u{02}hi",
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        "HTTP/1.1 500 \r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 1\r\n\r\nx",
    ]

    /// Recording lines beyond the shipped files: side-stored and base64 bodies, other kinds.
    public static let recordingLines: [String] = [
        #"{"created":"2026-01-01T00:00:00Z","kind":"header","origins":["http://127.0.0.1:8480","https://[::1]:8443"],"relay":"r","upstream":"http://127.0.0.1:8480/jmap/session","v":1}"#,
        #"{"dur_ms":1,"endpoint":"download","kind":"exchange","origin":"https://[::1]:8443","req":{"headers":[["host","x"]],"method":"GET","target":"/d/b1"},"res":{"bodyB64":"AAEC/w==","headers":[["content-type","application/octet-stream"]],"status":200},"seq":2,"t_ms":5,"v":1}"#,
        #"{"kind":"exchange","req":{"bodyRef":"ab12","method":"POST","target":"/u"},"res":{"body":"\u00e9\ud83d\ude00","status":201},"v":1}"#,
        #"{"kind":"push","v":1,"data":{"@type":"StateChange","changed":{"u1":{"Email":"5"}}},"t_ms":1.5e3}"#,
    ]

    /// The shipped recordings' lines (header first), read from `directory`.
    public static func shippedRecordingLines(in directory: URL) -> [[UInt8]] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".jsonl") }.sorted().flatMap { name -> [[UInt8]] in
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { return [] }
            return Array(data).split(separator: 0x0A).map { Array($0) }
        }
    }

    /// Tokens for HTTP: line endings, framing headers both ways, folding, versions, NUL.
    public static let httpDictionary: [String] = [
        "\r\n", "\n", "\r", "\r\n\r\n", "\n\n", " ", "\t", ":", " :", "\0", "\u{7F}", "\u{FF}", ",",
        "Content-Length: ", "Content-Length: 5\r\n", "Content-Length: 1\r\nContent-Length: 2\r\n",
        "Transfer-Encoding: chunked\r\n", "Transfer-Encoding: chunked, identity\r\n", "Transfer-Encoding: identity\r\n",
        "Transfer-Encoding:\tchunked\r\n", "Transfer-Encoding : chunked\r\n", "\r\n chunked\r\n", "\r\n\tfolded",
        "Expect: 100-continue\r\n", "Connection: close\r\n", "Connection: keep-alive, Upgrade\r\n", "Upgrade: h2c\r\n",
        "0\r\n\r\n", "0\r\nX-T: 1\r\n\r\n", ";ext=\"q\"", ";", "ffffffffffffffff\r\n", "\r\n0\r\n",
        "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/0.9", "HTTP/1.10", "HTTP/1", "http/1.1",
        "GET", "HEAD", "POST", "CONNECT", "G\0T", "HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 101 Switching Protocols\r\n\r\n",
        "HTTP/1.1 204 No Content\r\n\r\n", "HTTP/1.1 200 OK\r\n", " 200 ", " 099 ", " 1000 ", "%00", "\u{C3}\u{28}",
    ]

    /// Tokens for recording lines: JSON syntax, escapes, edge numbers, the format's own keys.
    public static let jsonDictionary: [String] = [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000", "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\u00", "null",
        "true", "false", "-0", "1e999", "-1e999", "1.0", "0.5", "1E400", "9007199254740993", "\n", "\r", "\0",
        String(repeating: "[", count: 600), String(repeating: "{\"a\":", count: 300),
        "\"kind\":\"header\"", "\"kind\":\"exchange\"", "\"v\":2", "\"v\":1", "\"v\":1.0", "\"v\":\"1\"",
        "\"origins\":[]", "\"origins\":[\"ftp://x\"]", "\"origin\":\"http://a:0\"", "\"origin\":\"http://[::1\"",
        "\"status\":99", "\"status\":1000", "\"status\":200.5", "\"status\":1e2", "\"headers\":[[1,2]]", "\"headers\":{}",
        "\"headers\":[[]]", "\"bodyB64\":\"!!\"", "\"bodyB64\":1", "\"bodyRef\":\"missing\"", "\"body\":null",
        "\"seq\":-1", "\"t_ms\":1e300", "\"endpoint\":\"nope\"", "\"req\":null", "\"res\":[]",
    ]
}
