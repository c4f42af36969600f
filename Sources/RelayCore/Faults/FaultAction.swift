/// What a fault rule does to an exchange it fires on.
public enum FaultAction: Sendable, Equatable {
    /// Where a delay is spent.
    public enum DelayPhase: String, Sendable, Equatable {
        /// Before the request goes upstream.
        case request
        /// After the upstream answered, before the client hears it.
        case response
    }

    /// When a method-level error is injected.
    public enum MethodPhase: String, Sendable, Equatable {
        /// The upstream never sees the call: the batch is split, calls that reference it get
        /// `invalidResultReference`, as a real server would answer.
        case before
        /// The upstream ran the call; the client is told it failed.
        case after
    }

    /// Which part of a `/set` a SetError replaces.
    public enum SetOperation: String, Sendable, Equatable {
        case create, update, destroy
    }

    /// Answer with this HTTP status (and `Retry-After`, seconds), the upstream never asked.
    case status(Int, retryAfter: Int?)
    /// Wait this many milliseconds.
    case delay(ms: Int, phase: DelayPhase)
    /// Reset the connection without answering.
    case reset
    /// Answer nothing until the client gives up.
    case hang
    /// Cut the response body after this many bytes.
    case truncate(bytes: Int)
    /// Relay request and response bodies at this many bytes per second.
    case bandwidth(bytesPerSecond: Int)
    /// An RFC 8620 §3.6.1 request-level error (`unknownCapability`, `notJSON`, `notRequest`,
    /// `limit`); `limit` names the property for `limit`.
    case requestError(type: String, limit: String?)
    /// An RFC 8620 §3.6.2 method-level error for the matching calls.
    case methodError(type: String, phase: MethodPhase)
    /// Turn records of matching `/set` calls into SetErrors: `target` is a creation id or an
    /// object id; `index` the position among the operation's records; neither means all.
    case setError(type: String, operation: SetOperation, target: String?, index: Int?)
    /// Change `sessionState` in API responses (and the session's `state` with it).
    case bumpSessionState
    /// Remove a capability from the session (and refuse requests that use it).
    case dropCapability(String)
    /// Lower a core limit in the session and enforce it.
    case limit(name: String, value: Int)
    /// Push: the `state` event never reaches the client.
    case dropEvent
    /// Push: the `state` event reaches the client twice.
    case duplicateEvent
    /// Push: hold the `state` event back this many milliseconds.
    case delayEvent(ms: Int)
    /// Push: end the event stream after this many `state` events.
    case cutAfter(events: Int)

    /// The action's name as the spec language writes it.
    public var name: String {
        switch self {
        case .status: "status"
        case .delay: "delay"
        case .reset: "reset"
        case .hang: "hang"
        case .truncate: "truncate"
        case .bandwidth: "bandwidth"
        case .requestError: "request-error"
        case .methodError: "method-error"
        case .setError: "set-error"
        case .bumpSessionState: "bump-session-state"
        case .dropCapability: "drop-capability"
        case .limit: "limit"
        case .dropEvent: "drop-event"
        case .duplicateEvent: "duplicate-event"
        case .delayEvent: "delay-event"
        case .cutAfter: "cut-after"
        }
    }

    /// Whether the action works on the events of a push stream (decided once per event, the
    /// schedule counting events) rather than on an exchange.
    public var isEventLevel: Bool {
        switch self {
        case .dropEvent, .duplicateEvent, .delayEvent, .cutAfter: true
        default: false
        }
    }

    /// Whether the action needs the JMAP calls of an API request (only API exchanges match it).
    public var isJMAPLevel: Bool {
        switch self {
        case .requestError, .methodError, .setError, .bumpSessionState: true
        default: false
        }
    }

    /// Whether the action changes calls or their answers (the request is then parsed whole).
    public var rewritesCalls: Bool {
        switch self {
        case .methodError, .setError: true
        default: false
        }
    }

    /// Whether the action shapes the session rather than one exchange: it applies from the
    /// moment the rule is loaded, to every session and request.
    public var isStanding: Bool {
        switch self {
        case .dropCapability, .limit: true
        default: false
        }
    }
}
