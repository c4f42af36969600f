// `import JMAPRelay` gives the pure core too: sessions, recordings, faults, the codec.
@_exported import RelayCore
