/// Cuts bytes that arrive in blocks into lines, eight bytes at a time. A line split across
/// blocks is carried over; only that remainder is ever copied. Each line comes with its
/// number (1-based) and its offset in the whole input, so it can be read again later.
public struct LineSplitter {
    /// Bytes of the line not finished yet.
    private var carried: [UInt8] = []
    /// Lines handed out so far.
    public private(set) var lineCount = 0
    /// Bytes consumed so far (handed out in lines or carried).
    public private(set) var byteCount = 0

    public init() {}

    /// Where a line lies in the input.
    public struct Location: Sendable, Equatable {
        /// 1-based.
        public var number: Int
        /// Offset of its first byte.
        public var offset: Int
        /// Its length without the newline.
        public var length: Int
    }

    /// Hands every line that `block` completes to `body` (without its newline).
    public mutating func feed(_ block: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>, Location) throws -> Void) rethrows {
        var start = 0
        let startOffset = byteCount
        byteCount += block.count
        while let nl = ByteSearch.first(0x0A, in: block, from: start, to: block.count) {
            if carried.isEmpty {
                try emit(UnsafeBufferPointer(rebasing: block[start..<nl]), offset: startOffset + start, body)
            } else {
                carried.append(contentsOf: UnsafeBufferPointer(rebasing: block[start..<nl]))
                let offset = startOffset + nl - carried.count
                let line = carried
                carried.removeAll(keepingCapacity: true)
                try line.withUnsafeBufferPointer { try emit($0, offset: offset, body) }
            }
            start = nl + 1
        }
        carried.append(contentsOf: UnsafeBufferPointer(rebasing: block[start...]))
    }

    /// Hands the last line to `body` if no newline ended it; returns whether there was one.
    @discardableResult
    public mutating func finish(_ body: (UnsafeBufferPointer<UInt8>, Location) throws -> Void) rethrows -> Bool {
        guard !carried.isEmpty else { return false }
        let line = carried
        carried = []
        try line.withUnsafeBufferPointer { try emit($0, offset: byteCount - line.count, body) }
        return true
    }

    private mutating func emit(_ line: UnsafeBufferPointer<UInt8>, offset: Int, _ body: (UnsafeBufferPointer<UInt8>, Location) throws -> Void) rethrows {
        lineCount += 1
        try body(line, Location(number: lineCount, offset: offset, length: line.count))
    }
}
