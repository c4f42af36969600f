import RelayCore

/// A body the relay writes about exchanges (the control API, the inspector, HAR), with every
/// known credential masked. A body in memory is scrubbed whole, so its length is right; a
/// stream (`/_relay/events`) is scrubbed piece by piece as it is sent, each piece being
/// whole events.
final class ScrubbedBody: BodySource, @unchecked Sendable {
    // Read by the one thread that writes the response, like the body it wraps.
    private let source: any BodySource
    private let scrubber: SecretScrubber
    let knownLength: Int? = nil

    private init(_ source: any BodySource, scrubber: SecretScrubber) {
        self.source = source
        self.scrubber = scrubber
    }

    /// `body` with credentials masked; the same body when none is known.
    static func wrapping(_ body: any BodySource, scrubber: SecretScrubber = .process) -> any BodySource {
        // A stream outlives this moment and may carry a credential learned later: always scrubbed.
        if let pushed = body as? PushedBody {
            pushed.scrubbing(with: scrubber)
            return pushed
        }
        guard let whole = body.unreadContents else { return ScrubbedBody(body, scrubber: scrubber) }
        return scrubber.isEmpty ? body : BufferedBody(scrubber.scrub(whole))
    }

    func read() throws -> ArraySlice<UInt8>? {
        guard let piece = try source.read() else { return nil }
        return scrubber.scrub(Array(piece))[...]
    }
}
