/// Looks at the bytes crossing a tunnel. Called on the loop that carries the tunnel, just
/// before the bytes are forwarded; it must be quick and must not block.
protocol TunnelObserver: Sendable {
    /// Bytes the client sent towards the upstream.
    func clientSent(_ bytes: ArraySlice<UInt8>)
    /// Bytes the upstream sent towards the client.
    func upstreamSent(_ bytes: ArraySlice<UInt8>)
}
