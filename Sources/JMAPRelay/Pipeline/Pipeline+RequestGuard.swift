import RelayCore

extension Pipeline {
    /// The guard for this relay: its own address as bound, the allow-lists, the callback host.
    /// An allow-list entry that does not parse is left out (and said so): it opens nothing.
    static func makeRequestGuard(config: RelayConfiguration, relayBase: Origin, log: Log) -> RequestGuard {
        let hosts = config.allowedHosts.compactMap { entry in
            HostAuthority(entry) ?? { log.warning("allowed host '\(entry)' is not a name or name:port; ignored"); return nil }()
        }
        let origins = config.allowedOrigins.compactMap { entry in
            WebOrigin(entry) ?? { log.warning("allowed origin '\(entry)' is not scheme://host[:port]; ignored"); return nil }()
        }
        return RequestGuard(
            listenHost: relayBase.host, port: relayBase.port, allowedHosts: hosts, allowedOrigins: origins,
            pushCallbackURL: config.pushCallbackURL, injectsCredentials: config.injectedAuthorization != nil,
            servesTLS: config.listenerTLS != nil)
    }

    /// The refusal for a request no web page from elsewhere may make (traced with its reason),
    /// or nil when it goes on; a cross-origin request that goes on is marked on its draft.
    func guardRequest(_ draft: ExchangeDraft) -> RelayReply? {
        switch requestGuard.decide(draft.request) {
        case .proceed:
            return nil
        case .proceedCrossOrigin:
            draft.crossOrigin = true
            return nil
        case .refuse(let problem, let reason):
            draft.error = reason
            return finish(draft, .problem(problem))
        }
    }
}
