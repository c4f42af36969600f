import JMAPRelay

/// `--record FILE`, `--record-mode`, `--redact PATH`, `--pseudonymize`, `--normalize-ids`.
struct RecordOptions: Equatable {
    var file = ""
    var mode: RecordMode = .all
    var redactPaths: [String] = []
    var pseudonymize = false
    /// Replace server-assigned ids and states by stable tokens as they are recorded.
    var normalizeIds = false

    /// Consumes a recording option; false when `name` is not one.
    static func read(_ name: String, inline: String?, into o: inout RecordOptions?, from r: inout ArgumentReader) throws -> Bool {
        switch name {
        case "--record":
            o = o ?? RecordOptions()
            o!.file = try r.value(for: name, inline: inline)
        case "--record-mode":
            let v = try r.value(for: name, inline: inline)
            guard let m = RecordMode(rawValue: v) else {
                throw UsageError("'--record-mode' must be one of all, once, new, none (got '\(v)')", command: r.command)
            }
            o = o ?? RecordOptions()
            o!.mode = m
        case "--redact":
            let v = try r.value(for: name, inline: inline)
            do { _ = try JSONPath(v) } catch { throw UsageError("'--redact' \(error)", command: r.command) }
            o = o ?? RecordOptions()
            o!.redactPaths.append(v)
        case "--pseudonymize":
            try r.flag(name, inline: inline)
            o = o ?? RecordOptions()
            o!.pseudonymize = true
        case "--normalize-ids":
            try r.flag(name, inline: inline)
            o = o ?? RecordOptions()
            o!.normalizeIds = true
        default:
            return false
        }
        if let x = o, x.file.isEmpty, name != "--record" {
            // Checked again once all options are read.
            _ = x
        }
        return true
    }

    var redactor: Redactor {
        Redactor(paths: redactPaths.compactMap { try? JSONPath($0) }, pseudonymize: pseudonymize)
    }
}

/// `jmap-relay replay FILE`.
struct ReplayOptions: Equatable {
    var file = ""
    var common = CommonOptions()
    var strict = false
    var requireAll = false
    /// Forward requests the recording cannot answer to the live upstream.
    var forwardMisses = false
    /// The live upstream for forwarded misses (default: the recording's).
    var upstream: String?

    static func parse(_ args: [String]) throws -> ReplayOptions {
        var o = ReplayOptions()
        var r = ArgumentReader(args, command: "replay")
        while let t = r.next() {
            switch t {
            case .positional(let p):
                guard o.file.isEmpty else { throw UsageError("unexpected argument '\(p)'", command: "replay") }
                o.file = p
            case .option(let name, let inline):
                if try o.common.read(name, inline: inline, from: &r) { continue }
                switch name {
                case "--strict":
                    try r.flag(name, inline: inline)
                    o.strict = true
                case "--require-all":
                    try r.flag(name, inline: inline)
                    o.requireAll = true
                    o.strict = true
                case "--on-miss":
                    let v = try r.value(for: name, inline: inline)
                    guard v == "error" || v == "forward" else {
                        throw UsageError("'--on-miss' is error (answer 500) or forward (ask the live upstream) (got '\(v)')", command: "replay")
                    }
                    o.forwardMisses = v == "forward"
                case "--upstream":
                    let v = try r.value(for: name, inline: inline)
                    guard Origin(url: v) != nil else { throw UsageError("'--upstream' must be an http:// or https:// URL (got '\(v)')", command: "replay") }
                    o.upstream = v
                default:
                    throw UsageError("unknown option '\(name)'", command: "replay")
                }
            }
        }
        if o.file.isEmpty { o.file = ReplayOptions.defaultRecording }
        if o.upstream != nil, !o.forwardMisses {
            throw UsageError("'--upstream' in replay is only for '--on-miss forward'", command: "replay")
        }
        return o
    }

    /// The sample recording replayed when no file is named.
    static let defaultRecording = "recordings/fastmail-demo.jsonl"
}
