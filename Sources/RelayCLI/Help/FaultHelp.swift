/// The FAULTS section of `help serve`: the spec language `--fault`, `--faults` and the control
/// API read (``FaultSpec`` in RelayCore).
enum FaultHelp {
    static let section = HelpSection(title: "FAULTS", body: """
          A spec is key=value words. Match: method=POST path=/jmap/api* endpoint=api|session|
          upload|download|eventsource call=Email/* account=ID. When: nth=N first=N every=N
          probability=P limit=N (default: always). Actions:
            status:503 [retry-after=S]      answer with this status, upstream not asked
            delay:MS [phase=response]       wait before the request goes up (or the answer)
            reset | hang                    cut the connection | never answer
            truncate:BYTES                  cut the response body
            bandwidth:BYTES_PER_SECOND      slow both directions
            request-error:TYPE              unknownCapability, notJSON, notRequest, limit
                                            [target=maxCallsInRequest]
            method-error:TYPE [phase=after] the matching calls fail; before (default) the
                                            server never sees them and calls referring to
                                            them get invalidResultReference; after, it ran them
            set-error:TYPE [op=update] [target=ID|index=N]  records become SetErrors
            bump-session-state              sessionState changes, as after a session change
            drop-capability:URN             the session loses it; requests using it fail
            limit:NAME=VALUE                lower a core limit in the session and enforce it
          Push (endpoint=eventsource|websocket; the when-words count state events or
          StateChanges, not exchanges):
            drop-event | duplicate-event    the event never arrives | arrives twice
            delay-event:MS                  hold the event back
            cut-after:N                     end the stream (cut the WebSocket) after N events
          A refused connect is an HTTP fault: endpoint=eventsource action=status:503.
          While running: GET/POST/DELETE http://127.0.0.1:8470/_relay/faults (loopback only).
        """)
}
