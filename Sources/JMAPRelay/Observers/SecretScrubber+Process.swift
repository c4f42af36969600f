import RelayCore

extension SecretScrubber {
    /// The process's one scrubber: a credential seen by any relay in the process is masked in
    /// everything any of them writes (the trace, the logs, recordings, the control API).
    public static let process = SecretScrubber()
}
