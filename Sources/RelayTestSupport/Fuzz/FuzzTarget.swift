import Foundation
import RelayCore

/// A parser under fuzz: its seed inputs, its mutator and its check.
public enum FuzzTarget: String, Sendable, CaseIterable {
    /// The listener's request parser.
    case httpRequest = "http-request"
    /// The upstream side's response parser.
    case httpResponse = "http-response"
    /// The recording loader (`RecordingCodec.load`).
    case recording

    /// The valid inputs to start from; recordings use the shipped files in `recordings`.
    public func corpus(recordings: URL) -> [[UInt8]] {
        switch self {
        case .httpRequest: return FuzzCorpus.requests.map { Array($0.utf8) }
        case .httpResponse: return FuzzCorpus.responses.map { Array($0.utf8) }
        case .recording:
            let lines = FuzzCorpus.shippedRecordingLines(in: recordings) + FuzzCorpus.recordingLines.map { Array($0.utf8) }
            let header: [UInt8] = lines.first ?? []
            let newline: [UInt8] = [0x0A]
            // Whole files and small ones: a header with one or two of the lines after it.
            var whole: [UInt8] = []
            for line in lines { whole += line + newline }
            var inputs = [whole]
            for (i, line) in lines.enumerated() {
                var small = header + newline
                small += line + newline
                small += lines[(i + 1) % lines.count]
                inputs.append(small)
            }
            return inputs
        }
    }

    /// The mutator with this target's dictionary.
    public var mutator: FuzzMutator {
        switch self {
        case .httpRequest, .httpResponse: return FuzzMutator(dictionary: FuzzCorpus.httpDictionary)
        case .recording: return FuzzMutator(dictionary: FuzzCorpus.jsonDictionary, maxLength: 32 * 1024)
        }
    }

    /// Runs one input.
    public func check(_ input: [UInt8], rng: inout FuzzRandom) -> FuzzOutcome {
        switch self {
        case .httpRequest: return HTTPFuzzCheck.check(input, side: .request, rng: &rng)
        case .httpResponse: return HTTPFuzzCheck.check(input, side: .response, rng: &rng)
        case .recording: return RecordingFuzzCheck.check(input)
        }
    }
}
