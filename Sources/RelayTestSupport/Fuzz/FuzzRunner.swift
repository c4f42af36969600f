import Foundation
import RelayCore

/// Runs a seeded mutation loop over one target: start from the corpus, mutate, check, and
/// keep mutants that reached an outcome not seen before as new starting points.
public enum FuzzRunner {
    /// One broken invariant, with what reproduces it.
    public struct Failure: Sendable, CustomStringConvertible {
        public var iteration: Int
        public var message: String
        public var input: [UInt8]
        public var description: String {
            let shown = String(decoding: input.prefix(400), as: UTF8.self).debugDescription
            return "#\(iteration): \(message)\n  input (\(input.count) bytes): \(shown)\n  base64: \(Base64.encode(input))"
        }
    }

    /// What a run did.
    public struct Report: Sendable, CustomStringConvertible {
        public var target: FuzzTarget
        public var seed: UInt64
        public var inputs = 0
        public var accepted = 0
        public var rejected: [String: Int] = [:]
        public var slowest: Duration = .zero
        /// Inputs kept as starting points at the end, and their total size.
        public var pool = 0
        public var poolBytes = 0
        public var elapsed: Duration = .zero
        public var failures: [Failure] = []

        public var description: String {
            let kinds = rejected.sorted { $0.value > $1.value }.prefix(12).map { "\($0.key) \($0.value)" }
            return "\(target.rawValue): \(inputs) inputs in \(elapsed) (seed \(seed)), \(accepted) accepted, "
                + "\(inputs - accepted - failures.count) rejected, \(failures.count) failures, slowest \(slowest), pool \(pool) inputs (\(poolBytes) bytes)\n"
                + "  rejections: \(kinds.joined(separator: ", "))"
                + failures.prefix(5).map { "\n  FAILURE \($0)" }.joined()
        }
    }

    /// Fuzzes `target` with `iterations` inputs.
    /// - Parameters:
    ///   - recordings: the folder of shipped recordings (seeds for the recording target).
    ///   - slowLimit: an input taking longer than this counts as a hang.
    ///   - maxLength: inputs grow no larger (short runs in a debug build keep them small).
    ///   - maxFailures: stop after this many failures.
    public static func run(
        _ target: FuzzTarget, iterations: Int, seed: UInt64, recordings: URL, maxLength: Int? = nil,
        slowLimit: Duration = .seconds(2), maxFailures: Int = 10
    ) -> Report {
        var report = Report(target: target, seed: seed)
        var rng = FuzzRandom(seed: seed)
        let seeds = target.corpus(recordings: recordings)
        var pool = seeds
        var seen = Set<String>()
        var mutator = target.mutator
        if let maxLength { mutator.maxLength = maxLength }
        let clock = ContinuousClock()
        let started = clock.now
        for i in 0..<iterations {
            let base = pool[rng.below(pool.count)]
            let input = rng.oneIn(32) ? base : mutator.mutate(base, corpus: pool, rng: &rng)
            var local = FuzzRandom(seed: rng.next())
            let t0 = clock.now
            let outcome = target.check(input, rng: &local)
            let took = clock.now - t0
            report.inputs += 1
            if took > report.slowest { report.slowest = took }
            var key = ""
            switch outcome {
            case .accepted:
                report.accepted += 1
                key = "ok"
            case .rejected(let kind):
                report.rejected[kind, default: 0] += 1
                key = kind
            case .failed(let message):
                report.failures.append(Failure(iteration: i, message: message, input: input))
            }
            if took > slowLimit {
                report.failures.append(Failure(iteration: i, message: "took \(took)", input: input))
            }
            if report.failures.count >= maxFailures { break }
            // New outcomes become seeds; so does an occasional ordinary mutant.
            if seen.insert(key).inserted || rng.oneIn(64) {
                if pool.count < 4096 { pool.append(input) } else { pool[seeds.count + rng.below(pool.count - seeds.count)] = input }
            }
        }
        report.elapsed = clock.now - started
        report.pool = pool.count
        report.poolBytes = pool.reduce(0) { $0 + $1.count }
        return report
    }
}
