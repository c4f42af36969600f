import RelayCore

/// Runs one input through the request or response parser, whole and in random pieces, and
/// checks what a relay relies on: it stops (bounded calls), refuses with an `HTTPParseError`
/// that has a message and a client status, returns only clean heads (no CR, LF or NUL can
/// reach a forwarded header), keeps fixed-length bodies exact, and does not depend on where
/// the bytes were split.
public enum HTTPFuzzCheck {
    /// Which parser.
    public enum Side: Sendable { case request, response }

    /// The statuses a refused request may be answered with.
    static let clientStatuses: Set<Int> = [400, 413, 414, 431, 501, 505]

    /// Checks `input`; `rng` picks the limits, the HEAD-or-GET method and the splits.
    public static func check(_ input: [UInt8], side: Side, rng: inout FuzzRandom) -> FuzzOutcome {
        let limits =
            rng.oneIn(2)
            ? HTTPParserLimits()
            : HTTPParserLimits(maxHeadBytes: 32 + rng.below(512), maxHeaderCount: rng.below(8), maxBodyBytes: rng.below(256))
        let method = rng.oneIn(4) ? "HEAD" : "GET"
        let whole = Transcript(input, pieces: [0..<input.count], side: side, limits: limits, method: method)
        if let p = whole.problem { return .failed(p) }
        let split = Transcript(input, pieces: rng.splits(of: input.count), side: side, limits: limits, method: method)
        if let p = split.problem { return .failed(p) }
        // A body streams: the pieces before an error depend on the split, the error does not.
        if whole.settled != split.settled || (whole.error == nil) != (split.error == nil) {
            return .failed(
                "the result depends on the split: whole gave \(whole.summary), pieces gave \(split.summary)")
        }
        if let e = whole.error { return .rejected(kind: FuzzOutcome.kind(of: e)) }
        return .accepted
    }

    /// One parse of an input.
    struct Transcript {
        enum Event: Equatable {
            case head(String)
            case body([UInt8])
            case end(HTTPHeaders)
        }

        var events: [Event] = []
        var error: HTTPParseError?
        var problem: String?

        /// The events, without a body cut short by an error.
        var settled: [Event] {
            guard error != nil, case .body? = events.last else { return events }
            return events.dropLast()
        }

        var summary: String {
            let parts = events.map { e -> String in
                switch e {
                case .head(let h): return h
                case .body(let b): return "body(\(b.count))"
                case .end(let t): return "end(\(t.count) trailers)"
                }
            }
            return "[\(parts.joined(separator: ", "))] " + (error.map { "error \($0)" } ?? "ok")
        }

        init(_ input: [UInt8], pieces: [Range<Int>], side: Side, limits: HTTPParserLimits, method: String) {
            var feed = Feed(side: side, limits: limits, method: method)
            // Each call returns a part or nil; every part but an `.end` consumes a byte.
            var budget = 4 * input.count + 4 * pieces.count + 16
            do {
                for (n, piece) in pieces.enumerated() {
                    feed.append(Array(input[piece]))
                    try drain(&feed, &budget)
                    if feed.upgraded { break }
                    if n == pieces.count - 1 {
                        feed.appendEOF()
                        try drain(&feed, &budget)
                    }
                }
                if pieces.isEmpty {
                    feed.appendEOF()
                    try drain(&feed, &budget)
                }
            } catch let e as HTTPParseError {
                error = e
                if e.description.isEmpty { problem = "empty message for \(e)" }
                if side == .request, !Self.allowed(e) { problem = "status \(e.status) for \(e)" }
            } catch {
                problem = "untyped error \(type(of: error)): \(error)"
            }
        }

        static func allowed(_ e: HTTPParseError) -> Bool { HTTPFuzzCheck.clientStatuses.contains(e.status) }

        private mutating func drain(_ feed: inout Feed, _ budget: inout Int) throws {
            while problem == nil {
                budget -= 1
                if budget < 0 {
                    problem = "no progress: the parser keeps returning parts"
                    return
                }
                guard let part = try feed.next() else { return }
                switch part {
                case .head(let text, let fields, let bad):
                    if let p = bad ?? Self.unclean(fields) { problem = "\(p) in \(text)" }
                    events.append(.head(text))
                case .body(let b):
                    if b.isEmpty { problem = "an empty body part" }
                    if case .body(let prev)? = events.last {
                        events[events.count - 1] = .body(prev + b)
                    } else {
                        events.append(.body(Array(b)))
                    }
                case .end(let trailers, let framing):
                    if let p = Self.unclean(trailers.fields) { problem = "\(p) in the trailers" }
                    var got = 0
                    if case .body(let b)? = events.last { got = b.count }
                    if case .length(let n) = framing, n != got { problem = "Content-Length \(n) but \(got) body bytes" }
                    events.append(.end(trailers))
                    if feed.upgraded { return }
                }
            }
        }

        /// A field that could smuggle something into a forwarded head.
        static func unclean(_ fields: [HTTPField]) -> String? {
            for f in fields {
                if f.name.isEmpty || !f.name.utf8.allSatisfy(isToken) { return "field name '\(f.name)'" }
                if f.value.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) {
                    return "control byte in the value of '\(f.name)'"
                }
                if let c = f.value.utf8.first, c == 0x20 || c == 0x09 { return "untrimmed value of '\(f.name)'" }
                if let c = f.value.utf8.last, c == 0x20 || c == 0x09 { return "untrimmed value of '\(f.name)'" }
            }
            return nil
        }

        static func isToken(_ c: UInt8) -> Bool {
            c > 0x20 && c < 0x7F && !"\"(),/:;<=>?@[\\]{}".utf8.contains(c)
        }
    }

    /// The request or response parser behind one interface, as the relay drives each.
    struct Feed {
        enum Part {
            case head(String, [HTTPField], problem: String?)
            case body(ArraySlice<UInt8>)
            case end(HTTPHeaders, HTTPBodyFraming)
        }

        private var request: HTTPRequestParser
        private var response: HTTPResponseParser
        private let side: Side
        private let method: String
        /// A `101` ended: what follows belongs to another protocol (the relay tunnels it).
        private(set) var upgraded = false
        private var lastStatus = 0

        init(side: Side, limits: HTTPParserLimits, method: String) {
            self.side = side
            self.method = method
            request = HTTPRequestParser(limits: limits)
            response = HTTPResponseParser(limits: limits)
            response.expectResponse(to: method)
        }

        mutating func append(_ bytes: [UInt8]) {
            if side == .request { request.append(bytes) } else { response.append(bytes) }
        }

        mutating func appendEOF() {
            if side == .request { request.appendEOF() } else { response.appendEOF() }
        }

        mutating func next() throws(HTTPParseError) -> Part? {
            switch side {
            case .request:
                guard let part = try request.next() else { return nil }
                switch part {
                case .head(let h):
                    var bad: String?
                    if h.method.isEmpty || !h.method.utf8.allSatisfy(Transcript.isToken) { bad = "a bad method" }
                    if h.target.isEmpty || !h.target.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) { bad = "a bad target" }
                    let text = "\(h.method) \(h.target) \(h.version) \(h.headers.fields)"
                    return .head(text, h.headers.fields, problem: bad)
                case .body(let b): return .body(b)
                case .end(let t): return .end(t, request.framing)
                }
            case .response:
                guard let part = try response.next() else { return nil }
                switch part {
                case .head(let h):
                    lastStatus = h.status
                    var bad: String?
                    if !(100...999).contains(h.status) { bad = "a bad status" }
                    if h.reason.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) {
                        bad = "a control byte in the reason phrase"
                    }
                    let text = "\(h.version) \(h.status) \(h.reason) \(h.headers.fields)"
                    return .head(text, h.headers.fields, problem: bad)
                case .body(let b): return .body(b)
                case .end(let t):
                    let framing = response.framing
                    if lastStatus == 101 { upgraded = true } else { response.expectResponse(to: method) }
                    return .end(t, framing)
                }
            }
        }
    }
}
