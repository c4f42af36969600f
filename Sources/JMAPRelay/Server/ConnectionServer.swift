/// What accepts client connections and serves them: threads (`Listener`) or event loops.
protocol ConnectionServer: Sendable {
    /// The bound port (the real one when 0 was asked for).
    var port: Int { get }
    /// Starts accepting; each request is handled by `pipeline`.
    func start(pipeline: Pipeline) throws
    /// Stops accepting, closes idle connections, waits up to `timeout` for busy ones.
    func stop(timeout: Duration)
}
