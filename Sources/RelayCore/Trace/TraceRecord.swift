/// What one trace line says about an exchange: the HTTP facts and the JMAP facts found inside.
public struct TraceRecord: Sendable, Equatable {
    /// A method-level error found in a response: `["error",{"type":…},callId]`.
    public struct MethodError: Sendable, Equatable {
        /// The call id the error answers.
        public var callId: String
        /// The method that was called, when the request named it.
        public var method: String?
        /// The error's `type`.
        public var type: String

        public init(callId: String, method: String?, type: String) {
            self.callId = callId
            self.method = method
            self.type = type
        }
    }

    public var seq: Int
    public var method: String
    public var target: String
    /// Nil when no response went out (the connection was cut).
    public var status: Int?
    public var durationMs: Double
    public var kind: EndpointKind
    /// JMAP method names of the request, in order.
    public var jmapMethods: [String] = []
    public var methodErrors: [MethodError] = []
    public var notCreated = 0
    public var notUpdated = 0
    public var notDestroyed = 0
    /// The `type` of a request-level problem answer, if any.
    public var problemType: String?
    /// Fault rules that touched the exchange.
    public var faults: [String] = []
    /// The relay's own failure, if any.
    public var error: String?
    /// The client closed the connection while the response was still being written. For an
    /// event stream that is how it normally ends; see ``TraceFormatter/endWords(_:)``.
    public var clientClosed = false
    /// The response is an event stream (`text/event-stream`: JMAP's EventSource, the control
    /// API's live exchanges), a body with no end of its own.
    public var eventStream = false
    public var requestBytes = 0
    public var responseBytes = 0
    /// Extra notes (lint findings, replay misses), one per line under the exchange.
    public var notes: [String] = []

    public init(seq: Int, method: String, target: String, status: Int?, durationMs: Double, kind: EndpointKind) {
        self.seq = seq
        self.method = method
        self.target = target
        self.status = status
        self.durationMs = durationMs
        self.kind = kind
    }
}
