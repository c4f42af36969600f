// relay-fuzz: the long fuzz run (tools/fuzz builds it in release and runs it).
//   relay-fuzz [--iterations N] [--seed S] [--target http-request|http-response|recording]...
//              [--max-length BYTES] [--recordings DIR] [--write-corpus DIR]
// FUZZ_ITERATIONS and FUZZ_SEED set the defaults. Exits 1 when an invariant broke.
import Foundation
import RelayTestSupport

let env = ProcessInfo.processInfo.environment
var iterations = Int(env["FUZZ_ITERATIONS"] ?? "") ?? 1_000_000
var seed = UInt64(env["FUZZ_SEED"] ?? "") ?? 1
var targets: [FuzzTarget] = []
var recordings = URL(fileURLWithPath: "recordings")
var corpusOut: String?
var maxLength: Int?
var args = CommandLine.arguments.dropFirst()
func usage(_ why: String) -> Never {
    FileHandle.standardError.write(Data("relay-fuzz: \(why)\n".utf8))
    exit(64)
}
while let a = args.popFirst() {
    guard let v = args.popFirst() else { usage("\(a) needs a value") }
    switch a {
    case "--iterations": iterations = Int(v) ?? { usage("bad --iterations \(v)") }()
    case "--seed": seed = UInt64(v) ?? { usage("bad --seed \(v)") }()
    case "--target": targets.append(FuzzTarget(rawValue: v) ?? { usage("unknown target \(v)") }())
    case "--recordings": recordings = URL(fileURLWithPath: v)
    case "--write-corpus": corpusOut = v
    case "--max-length": maxLength = Int(v) ?? { usage("bad --max-length \(v)") }()
    default: usage("unknown option \(a)")
    }
}
if targets.isEmpty { targets = FuzzTarget.allCases }

if let dir = corpusOut {
    // Seed files for libFuzzer: one folder per target, one file per input.
    for t in targets {
        let folder = URL(fileURLWithPath: dir).appendingPathComponent(t.rawValue)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (i, input) in t.corpus(recordings: recordings).enumerated() {
            try Data(input).write(to: folder.appendingPathComponent("seed-\(i)"))
        }
    }
    exit(0)
}

var failed = false
for t in targets {
    let report = FuzzRunner.run(t, iterations: iterations, seed: seed, recordings: recordings, maxLength: maxLength)
    print(report)
    if !report.failures.isEmpty { failed = true }
}
exit(failed ? 1 : 0)
