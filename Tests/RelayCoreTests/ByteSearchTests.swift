import Testing

@testable import RelayCore

@Suite struct ByteSearchTests {
    /// Against a plain loop, over every start and end of buffers holding the byte at every
    /// place, none, and bytes whose neighbours differ from it by one bit.
    @Test func findsWhatAPlainLoopFinds() {
        var rng = SystemRandomNumberGenerator()
        for length in 0..<40 {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in [0x0A, 0x0B, 0x8A, 0x0D, 0x00, 0xFF, 0x41].randomElement(using: &rng)! as UInt8 }
                bytes.withUnsafeBufferPointer { b in
                    for from in 0...length {
                        for to in from...length {
                            for byte: UInt8 in [0x0A, 0x0D] {
                                let expected = (from..<to).first { b[$0] == byte }
                                #expect(ByteSearch.first(byte, in: b, from: from, to: to) == expected)
                            }
                            let either = (from..<to).first { b[$0] == 0x0A || b[$0] == 0xFF }
                            #expect(ByteSearch.first(0x0A, orElse: 0xFF, in: b, from: from, to: to) == either)
                        }
                    }
                }
            }
        }
    }
}
