import Foundation
import RelayCore
import RelayTestSupport
import Testing

/// Short fuzz runs of the parsers that read bytes from the network and from files: every
/// mutated input parses or is refused with a typed error that has a message, in bounded
/// time, and whatever the split. `tools/fuzz` runs the same loop for a million inputs each;
/// FUZZ_ITERATIONS and FUZZ_SEED change this run.
@Suite struct FuzzTests {
    static let env = ProcessInfo.processInfo.environment
    static let iterations = Int(env["FUZZ_ITERATIONS"] ?? "") ?? 10_000
    static let seed = UInt64(env["FUZZ_SEED"] ?? "") ?? 20_261_125

    @Test(arguments: FuzzTarget.allCases)
    func mutatedInputsParseOrFailCleanly(_ target: FuzzTarget) {
        let report = FuzzRunner.run(
            target, iterations: Self.iterations, seed: Self.seed,
            recordings: Fixture.root.appendingPathComponent("recordings"), maxLength: 1024, slowLimit: .seconds(2))
        #expect(report.failures.isEmpty, "\(report)")
        #expect(report.inputs == Self.iterations)
        // The corpus and mutator reach both sides: some inputs parse, many kinds are refused.
        #expect(report.accepted > 0)
        #expect(report.rejected.count >= 5, "\(report.rejected)")
    }

    @Test func theMutatorIsDeterministicForASeed() {
        let m = FuzzTarget.httpRequest.mutator
        let corpus = FuzzCorpus.requests.map { Array($0.utf8) }
        var a = FuzzRandom(seed: 7)
        var b = FuzzRandom(seed: 7)
        for input in corpus {
            #expect(m.mutate(input, corpus: corpus, rng: &a) == m.mutate(input, corpus: corpus, rng: &b))
        }
    }

    @Test func splitsCoverTheInputInOrder() {
        var rng = FuzzRandom(seed: 3)
        for count in [1, 2, 17, 300] {
            for _ in 0..<50 {
                let pieces = rng.splits(of: count)
                #expect(pieces.first?.lowerBound == 0)
                #expect(pieces.last?.upperBound == count)
                #expect(zip(pieces, pieces.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && !$0.isEmpty })
            }
        }
    }
}
