extension RecordingSummary {
    /// The terminal report; with `calls`, every method call on its own line as well.
    public func text(calls showCalls: Bool = false) -> String {
        var out: [String] = []
        out.append("Upstream:   \(header.upstream)")
        out.append("Created:    \(header.created.isEmpty ? "(unknown)" : header.created)")
        if !header.relay.isEmpty { out.append("Recorded by \(header.relay)") }
        out.append("Exchanges:  \(exchangeCount) over \(TraceFormatter.formatDuration(Double(durationMs)))")

        out.append("")
        out.append("Endpoints:")
        if endpoints.isEmpty { out.append("  (none)") }
        for (kind, n) in endpoints { out.append("  " + Self.pad(kind.rawValue, 14) + Self.padLeft(n, 5)) }

        out.append("")
        out.append("Method calls: \(callCount) in \(requestsWithCalls) request(s)")
        for (name, n) in methodCounts { out.append("  " + Self.padLeft(n, 5) + "  " + name) }

        out.append("")
        if problems.isEmpty {
            out.append("Errors: none")
        } else {
            out.append("Errors: \(problems.count)")
            for p in problems {
                var line = "  " + Self.pad("#\(p.seq)", 6)
                if let m = p.method { line += "\(m) [\(p.callId ?? "")]  " } else if let id = p.callId { line += "[\(id)]  " }
                out.append(line + p.text)
            }
        }

        out.append("")
        let otherTotal = otherLines.reduce(0) { $0 + $1.count }
        if otherTotal == 0 {
            out.append("Push and other lines: 0")
        } else {
            out.append("Push and other lines: \(otherTotal) (" + otherLines.map { "\($0.kind) \($0.count)" }.joined(separator: ", ") + ")")
        }
        for w in warnings { out.append("Warning: \(w)") }

        if showCalls {
            out.append("")
            out.append("Calls:")
            let nameWidth = min(32, (calls.map(\.name.count).max() ?? 0) + 2)
            let idWidth = min(16, (calls.map(\.callId.count).max() ?? 0) + 2)
            for c in calls {
                let answer = c.responseNames.isEmpty ? "(no response)" : c.responseNames.joined(separator: ",")
                out.append("  " + Self.pad("#\(c.seq)", 6) + Self.pad(c.name, nameWidth) + Self.pad(c.callId, idWidth)
                    + Self.abbreviated(c.arguments, limit: 80) + "  -> " + answer)
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Compact JSON cut to `limit` characters with `…` at the end.
    static func abbreviated(_ v: JSONValue, limit: Int) -> String {
        let s = v.serializedString()
        return s.count <= limit ? s : String(s.prefix(limit - 1)) + "…"
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }

    static func padLeft(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: " ", count: max(0, width - s.count)) + s
    }
}
