extension FaultSpec {
    /// One action of the spec language as help and error messages describe it. `parse` reads
    /// the actions; this table is what `help serve`, the unknown-action error and the examples
    /// in "needs :ARG" errors say about them, so a new action is one row here plus its case.
    public struct ActionDescription: Sendable, Equatable {
        /// As written after `action=`.
        public var name: String
        /// The action with its argument and extra keys, e.g. `status:503 [retry-after=S]`.
        public var syntax: String
        /// What the client sees, in a few words.
        public var summary: String
        /// A complete spec using it.
        public var example: String
        /// Whether it acts on push events rather than exchanges.
        public var isPush: Bool = false
    }

    /// Every action, in the order help lists them.
    public static let actions: [ActionDescription] = [
        .init(name: "status", syntax: "status:503 [retry-after=S]", summary: "answer with this status, upstream not asked",
              example: "action=status:503"),
        .init(name: "delay", syntax: "delay:MS [phase=response]", summary: "wait before the request goes up (or the answer)",
              example: "action=delay:500"),
        .init(name: "reset", syntax: "reset", summary: "cut the connection without an answer", example: "action=reset"),
        .init(name: "hang", syntax: "hang", summary: "never answer", example: "action=hang"),
        .init(name: "truncate", syntax: "truncate:BYTES", summary: "cut the response body", example: "action=truncate:100"),
        .init(name: "bandwidth", syntax: "bandwidth:BYTES_PER_SECOND", summary: "slow both directions",
              example: "action=bandwidth:1024"),
        .init(name: "request-error", syntax: "request-error:TYPE",
              summary: "unknownCapability, notJSON, notRequest, limit [target=maxCallsInRequest]",
              example: "action=request-error:notJSON"),
        .init(name: "method-error", syntax: "method-error:TYPE [phase=after]",
              summary: "the matching calls fail; before (default) the server never sees them and calls referring to them "
                  + "get invalidResultReference; after, it ran them",
              example: "action=method-error:serverFail"),
        .init(name: "set-error", syntax: "set-error:TYPE [op=update] [target=ID|index=N]", summary: "records become SetErrors",
              example: "action=set-error:overQuota"),
        .init(name: "bump-session-state", syntax: "bump-session-state", summary: "sessionState changes, as after a session change",
              example: "action=bump-session-state"),
        .init(name: "drop-capability", syntax: "drop-capability:URN", summary: "the session loses it; requests using it fail",
              example: "action=drop-capability:urn:ietf:params:jmap:mail"),
        .init(name: "limit", syntax: "limit:NAME=VALUE", summary: "lower a core limit in the session and enforce it",
              example: "action=limit:maxCallsInRequest=1"),
        .init(name: "drop-event", syntax: "drop-event", summary: "the event never arrives",
              example: "endpoint=eventsource action=drop-event", isPush: true),
        .init(name: "duplicate-event", syntax: "duplicate-event", summary: "the event arrives twice",
              example: "endpoint=eventsource action=duplicate-event", isPush: true),
        .init(name: "delay-event", syntax: "delay-event:MS", summary: "hold the event back",
              example: "endpoint=eventsource action=delay-event:500", isPush: true),
        .init(name: "cut-after", syntax: "cut-after:N", summary: "end the stream (cut the WebSocket) after N events",
              example: "endpoint=eventsource action=cut-after:1", isPush: true),
    ]

    /// Every action's name, in help's order.
    public static var actionNames: [String] { actions.map(\.name) }
}
