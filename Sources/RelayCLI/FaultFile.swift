import Foundation
import JMAPRelay

/// A `--faults FILE`: JSON (`{"seed": 42, "rules": [...]}` or an array of rules, each a spec
/// string, `{"spec": "…"}` or an object with the spec's keys), or text with one spec per line
/// (`#` starts a comment). Read when the options are read: a bad file stops the relay before
/// it starts.
enum FaultFile {
    static func load(path: String, command: String) throws -> (rules: [FaultRule], seed: UInt64?) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError("cannot read fault file '\(path)'", command: command)
        }
        let bytes = [UInt8](data)
        let text = String(decoding: bytes, as: UTF8.self)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
                let v: JSONValue
                do { v = try JSONParser.parse(bytes) } catch { throw FaultSpec.SpecError("not valid JSON: \(error)") }
                let list = v.arrayValue ?? v["rules"]?.arrayValue
                guard let list else { throw FaultSpec.SpecError("expected an array of rules or an object with \"rules\"") }
                let rules = try list.enumerated().map { i, item -> FaultRule in
                    do {
                        if let s = item.stringValue { return try FaultSpec.parse(s) }
                        return try FaultSpec.parse(json: item)
                    } catch { throw FaultSpec.SpecError("rule \(i + 1): \(error)") }
                }
                let seed = v["seed"]?.intValue.map { UInt64(truncatingIfNeeded: $0) }
                return (rules, seed)
            }
            var rules: [FaultRule] = []
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let spec = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)?
                    .trimmingCharacters(in: .whitespaces) ?? ""
                if spec.isEmpty { continue }
                do { rules.append(try FaultSpec.parse(spec)) } catch { throw FaultSpec.SpecError("line \(n + 1): \(error)") }
            }
            return (rules, nil)
        } catch {
            throw UsageError("fault file '\(path)': \(error)", command: command)
        }
    }
}
