import RelayCore

/// The network and nothing else: every request goes to its origin over the event loops'
/// own connections (plain or TLS, pooled per origin), so this answers nothing from memory.
public final class LiveUpstream: Upstream, Sendable {
    public init() {}

    public func answer(_ request: inout UpstreamRequest) throws -> UpstreamResponse? { nil }
}
