/// The findings of one lint run, rendered for a person (grouped by rule) or for a machine (JSON).
public struct LintReport: Sendable {
    public var findings: [LintFinding]
    /// How many exchanges were checked.
    public var exchangeCount: Int
    /// The rules that ran.
    public var rules: [any LintRule]
    /// Rule ids switched off.
    public var ignored: [String]

    public init(findings: [LintFinding], exchangeCount: Int, rules: [any LintRule], ignored: [String] = []) {
        self.findings = findings
        self.exchangeCount = exchangeCount
        self.rules = rules
        self.ignored = ignored
    }

    /// Whether any finding is an error.
    public var hasErrors: Bool { findings.contains { $0.level == .error } }

    /// How many findings have `level`.
    public func count(_ level: LintLevel) -> Int { findings.filter { $0.level == level }.count }

    /// Findings grouped by rule: errors first, then in rule order.
    public var groups: [(rule: any LintRule, findings: [LintFinding])] {
        rules.compactMap { rule in
            let mine = findings.filter { $0.ruleId == rule.id }
            return mine.isEmpty ? nil : (rule, mine)
        }.enumerated().sorted { a, b in
            a.element.rule.level != b.element.rule.level ? a.element.rule.level < b.element.rule.level : a.offset < b.offset
        }.map(\.element)
    }

    /// One line: how many findings of each level, in how many exchanges.
    public var summaryLine: String {
        let counts = "\(plural(count(.error), "error")), \(plural(count(.warning), "warning")), \(count(.info)) info"
        let ignoredNote = ignored.isEmpty ? "" : ", \(ignored.count) ignored"
        return "\(plural(findings.count, "finding")) (\(counts)) in \(plural(exchangeCount, "exchange")); \(rules.count) rules run\(ignoredNote)"
    }

    /// Text for a terminal: per rule a heading with level, section and count, its summary,
    /// then one line per finding (`#seq [callId] message`); a summary line at the end.
    public func text() -> String {
        var out = ""
        for (rule, mine) in groups {
            out += "\(rule.level.rawValue): \(rule.id) (\(rule.section)) ×\(mine.count)\n"
            out += "  \(rule.summary)\n"
            for f in mine {
                let call = f.callId.map { " [\($0)]" } ?? ""
                out += "    #\(f.seq)\(call) \(f.message)\n"
            }
            out += "\n"
        }
        return out + summaryLine + "\n"
    }

    /// Machine-readable: `{"findings":[…],"summary":{…},"ignored":[…]}`.
    public func json() -> JSONValue {
        let list: [JSONValue] = findings.map { f in
            var o: JSONObject = [
                "ruleId": .string(f.ruleId), "level": .string(f.level.rawValue), "section": .string(f.section),
                "message": .string(f.message), "seq": .int(f.seq),
            ]
            if let id = f.callId { o["callId"] = .string(id) }
            return .object(o)
        }
        let summary: JSONValue = [
            "exchanges": .int(exchangeCount), "findings": .int(findings.count), "error": .int(count(.error)),
            "warning": .int(count(.warning)), "info": .int(count(.info)), "rulesRun": .int(rules.count),
        ]
        return ["findings": .array(list), "summary": summary, "ignored": .array(ignored.map { .string($0) })]
    }

    private func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
}
