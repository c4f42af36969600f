import Testing

@testable import RelayCore

/// The frame codec against RFC 6455 §5.7's examples, byte for byte, and a seeded fuzz.
@Suite struct WebSocketCodecTests {
    static let hello: [UInt8] = [0x48, 0x65, 0x6c, 0x6c, 0x6f]
    static let key: [UInt8] = [0x37, 0xfa, 0x21, 0x3d]

    /// Parses `bytes` fed one byte at a time, then whole.
    func parseBothWays(_ bytes: [UInt8]) throws -> [WebSocketFrame] {
        var whole = WebSocketFrameParser()
        whole.append(bytes)
        let a = try whole.frames()
        var bytewise = WebSocketFrameParser()
        var b: [WebSocketFrame] = []
        for x in bytes {
            bytewise.append([x])
            b += try bytewise.frames()
        }
        #expect(a == b)
        #expect(whole.bufferedCount == 0)
        return a
    }

    @Test func singleFrameUnmaskedText() throws {
        let wire: [UInt8] = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]
        let frames = try parseBothWays(wire)
        #expect(frames == [WebSocketFrame(opcode: .text, payload: Self.hello)])
        #expect(WebSocketFrame.text("Hello").serialized() == wire)
    }

    @Test func singleFrameMaskedText() throws {
        let wire: [UInt8] = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
        let frames = try parseBothWays(wire)
        #expect(frames == [WebSocketFrame(opcode: .text, maskKey: Self.key, payload: Self.hello)])
        #expect(frames[0].serialized() == wire)
    }

    @Test func fragmentedUnmaskedTextAssemblesToOneMessage() throws {
        let wire: [UInt8] = [0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f]
        let frames = try parseBothWays(wire)
        #expect(frames.count == 2)
        #expect(frames[0].fin == false && frames[0].opcode == .text)
        #expect(frames[1].fin == true && frames[1].opcode == .continuation)
        #expect(frames.flatMap { $0.serialized() } == wire)
        var a = WebSocketMessageAssembler()
        #expect(try a.push(frames[0]) == nil)
        #expect(a.inMessage)
        #expect(try a.push(frames[1]) == .message(.text, Self.hello))
    }

    @Test func pingAndMaskedPong() throws {
        let ping: [UInt8] = [0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]
        let pong: [UInt8] = [0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
        let frames = try parseBothWays(ping + pong)
        #expect(frames == [
            WebSocketFrame(opcode: .ping, payload: Self.hello),
            WebSocketFrame(opcode: .pong, maskKey: Self.key, payload: Self.hello),
        ])
        #expect(frames[0].serialized() == ping)
        #expect(frames[1].serialized() == pong)
    }

    @Test func sixteenBitLength() throws {
        let payload = (0..<256).map { UInt8($0) }
        let wire: [UInt8] = [0x82, 0x7E, 0x01, 0x00] + payload
        let frames = try parseBothWays(wire)
        #expect(frames == [WebSocketFrame(opcode: .binary, payload: payload)])
        #expect(frames[0].serialized() == wire)
    }

    @Test func sixtyFourBitLength() throws {
        let payload = (0..<65536).map { UInt8($0 & 0xFF) }
        let wire: [UInt8] = [0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00] + payload
        var p = WebSocketFrameParser()
        p.append(wire)
        let frames = try p.frames()
        #expect(frames == [WebSocketFrame(opcode: .binary, payload: payload)])
        #expect(frames[0].serialized() == wire)
    }

    @Test func controlFramesInterleaveWithFragments() throws {
        var a = WebSocketMessageAssembler()
        #expect(try a.push(.text("Hel", fin: false)) == nil)
        let ping = WebSocketFrame(opcode: .ping, payload: [1])
        #expect(try a.push(ping) == .control(ping))
        #expect(try a.push(WebSocketFrame(opcode: .continuation, payload: Array("lo".utf8))) == .message(.text, Self.hello))
    }

    @Test func closeCarriesItsCodeAndReason() throws {
        let f = WebSocketFrame.close(code: 4001, reason: "bye", maskKey: Self.key)
        var p = WebSocketFrameParser()
        p.append(f.serialized())
        let back = try #require(try p.next())
        #expect(back.closeCode == 4001)
        #expect(back.closeReason == "bye")
    }

    @Test(arguments: [
        ([0x83, 0x00], WebSocketError.reservedOpcode(3)),
        ([0x8B, 0x00], .reservedOpcode(0xB)),
        ([0x89, 0x7E, 0x00, 0x7E], .controlFrameTooLong(126)),
        ([0x09, 0x00], .fragmentedControlFrame),
        ([0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0], .invalidLength),
        ([0x82, 0x7F, 0, 0, 0, 0, 0x10, 0, 0, 0], .frameTooLarge(length: 1 << 28, limit: 1 << 20)),
    ] as [([UInt8], WebSocketError)])
    func malformedFramesThrowAClearError(bytes: [UInt8], expected: WebSocketError) {
        var p = WebSocketFrameParser(maxFrameBytes: 1 << 20)
        p.append(bytes)
        #expect(throws: expected) { try p.next() }
        // The parser stays failed.
        #expect(throws: expected) { try p.next() }
        #expect(!expected.description.isEmpty)
    }

    @Test func assemblerRejectsBadSequences() throws {
        var a = WebSocketMessageAssembler(maxMessageBytes: 4)
        #expect(throws: WebSocketError.unexpectedContinuation) { try a.push(WebSocketFrame(opcode: .continuation, payload: [])) }
        _ = try a.push(.text("ab", fin: false))
        #expect(throws: WebSocketError.expectedContinuation) { try a.push(.text("c")) }
        #expect(throws: WebSocketError.messageTooLarge(limit: 4)) {
            try a.push(WebSocketFrame(fin: false, opcode: .continuation, payload: [1, 2, 3]))
        }
        var b = WebSocketMessageAssembler()
        #expect(throws: WebSocketError.invalidClosePayload) { try b.push(WebSocketFrame(opcode: .close, payload: [3])) }
    }

    @Test func stripsCompressionFromTheOffer() {
        var h: HTTPHeaders = ["Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits, x-other"]
        #expect(WebSocketHandshake.stripCompression(&h))
        #expect(h["sec-websocket-extensions"] == "x-other")
        var only: HTTPHeaders = ["Sec-WebSocket-Extensions": "permessage-deflate"]
        #expect(WebSocketHandshake.stripCompression(&only))
        #expect(only["sec-websocket-extensions"] == nil)
        var none: HTTPHeaders = ["Upgrade": "websocket"]
        #expect(!WebSocketHandshake.stripCompression(&none))
        #expect(WebSocketHandshake.isWebSocket(["Upgrade": "WebSocket"]))
    }

    /// 20 000 seeded inputs — valid frames, mutated frames, noise — fed in random chunk sizes:
    /// each parses or throws a `WebSocketError`, never crashes; untouched frames round-trip.
    @Test func fuzzNeverCrashes() {
        var rng = SplitMix64(seed: 0x6455)
        var parsed = 0
        var failed = 0
        for i in 0..<20_000 {
            var frames: [WebSocketFrame] = []
            var bytes: [UInt8] = []
            for _ in 0..<rng.int(1...4) {
                let ops: [WebSocketFrame.Opcode] = [.continuation, .text, .binary, .close, .ping, .pong]
                let op = ops[rng.int(0...5)]
                let size = op.isControl ? rng.int(0...125) : [rng.int(0...125), rng.int(126...700), rng.int(0...3)][rng.int(0...2)]
                let f = WebSocketFrame(
                    fin: op.isControl || rng.int(0...1) == 1, rsv1: rng.int(0...9) == 0, opcode: op,
                    maskKey: rng.int(0...1) == 1 ? (0..<4).map { _ in rng.byte() } : nil,
                    payload: (0..<size).map { _ in rng.byte() })
                frames.append(f)
                f.write(into: &bytes)
            }
            let mode = i % 3
            if mode == 1 {
                for _ in 0..<rng.int(1...4) { bytes[rng.int(0...(bytes.count - 1))] = rng.byte() }
            } else if mode == 2 {
                bytes = (0..<rng.int(0...64)).map { _ in rng.byte() }
            }
            var p = WebSocketFrameParser(maxFrameBytes: 4096)
            var out: [WebSocketFrame] = []
            var rest = bytes[...]
            do {
                while !rest.isEmpty {
                    let n = min(rest.count, rng.int(1...97))
                    p.append(rest.prefix(n))
                    rest = rest.dropFirst(n)
                    out += try p.frames()
                }
                parsed += 1
                if mode == 0 { #expect(out == frames) }
                var a = WebSocketMessageAssembler(maxMessageBytes: 8192)
                for f in out { _ = try? a.push(f) }
            } catch {
                failed += 1
                #expect(mode != 0, "a valid input failed: \(error)")
                #expect(!error.description.isEmpty)
            }
        }
        #expect(parsed + failed == 20_000)
        #expect(failed > 1000)
    }
}

/// A small seeded generator so the fuzz is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ r: ClosedRange<Int>) -> Int { Int.random(in: r, using: &self) }
    mutating func byte() -> UInt8 { UInt8.random(in: 0...255, using: &self) }
}
