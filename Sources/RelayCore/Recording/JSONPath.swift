/// A small JSONPath subset for redaction: `$`, `.key`, `['key']`, `[n]`, `[*]`, `.*`, `..key`.
public struct JSONPath: Sendable, Equatable, CustomStringConvertible {
    enum Step: Sendable, Equatable {
        case key(String)
        case index(Int)
        case wildcard
        case descendant(String)
    }

    let steps: [Step]
    public let description: String

    /// Parses a path; the error says what is wrong.
    public init(_ text: String) throws {
        description = text
        guard text.hasPrefix("$") else { throw JSONPathError("'\(text)': a path starts with '$'") }
        var steps: [Step] = []
        var s = Substring(text.dropFirst())
        func name(_ s: inout Substring) -> String {
            let n = s.prefix { $0 != "." && $0 != "[" }
            s = s.dropFirst(n.count)
            return String(n)
        }
        while !s.isEmpty {
            if s.hasPrefix("..") {
                s = s.dropFirst(2)
                let n = name(&s)
                guard !n.isEmpty else { throw JSONPathError("'\(text)': '..' needs a key") }
                steps.append(.descendant(n))
            } else if s.hasPrefix(".") {
                s = s.dropFirst()
                let n = name(&s)
                guard !n.isEmpty else { throw JSONPathError("'\(text)': empty key after '.'") }
                steps.append(n == "*" ? .wildcard : .key(n))
            } else if s.hasPrefix("[") {
                guard let close = s.firstIndex(of: "]") else { throw JSONPathError("'\(text)': '[' without ']'") }
                let inner = s[s.index(after: s.startIndex)..<close]
                s = s[s.index(after: close)...]
                if inner == "*" { steps.append(.wildcard) }
                else if let i = Int(inner) { steps.append(.index(i)) }
                else if inner.count >= 2, inner.first == "'" || inner.first == "\"", inner.last == inner.first {
                    steps.append(.key(String(inner.dropFirst().dropLast())))
                } else { throw JSONPathError("'\(text)': cannot read '[\(inner)]'") }
            } else {
                throw JSONPathError("'\(text)': unexpected '\(s.prefix(10))'")
            }
        }
        self.steps = steps
    }

    /// `value` with every match replaced by `replacement`.
    public func replacing(in value: JSONValue, with replacement: JSONValue) -> JSONValue {
        Self.replace(value, steps[...], replacement)
    }

    private static func replace(_ v: JSONValue, _ steps: ArraySlice<Step>, _ r: JSONValue) -> JSONValue {
        guard let step = steps.first else { return r }
        let rest = steps.dropFirst()
        switch (step, v) {
        case (.key(let k), .object(var o)):
            if let x = o[k] { o[k] = replace(x, rest, r) }
            return .object(o)
        case (.index(let i), .array(var a)):
            if a.indices.contains(i) { a[i] = replace(a[i], rest, r) }
            return .array(a)
        case (.wildcard, .object(let o)): return .object(o.mapValues { replace($0, rest, r) })
        case (.wildcard, .array(let a)): return .array(a.map { replace($0, rest, r) })
        case (.descendant(let k), .object(let o)):
            var out = JSONObject()
            for (key, x) in o { out[key] = key == k ? replace(x, rest, r) : replace(x, steps, r) }
            return .object(out)
        case (.descendant, .array(let a)): return .array(a.map { replace($0, steps, r) })
        default: return v
        }
    }
}

/// A JSON path that cannot be read.
public struct JSONPathError: Error, Equatable, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
