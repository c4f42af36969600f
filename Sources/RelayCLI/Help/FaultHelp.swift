import JMAPRelay

/// The FAULTS section of `help serve`: the spec language `--fault`, `--faults` and the control
/// API read, its actions listed from ``FaultSpec/actions``, the table the parser's messages
/// use too.
enum FaultHelp {
    static var section: HelpSection {
        HelpSection(title: "FAULTS", body: """
              A spec is key=value words. Match: method=POST path=/jmap/api* endpoint=api|session|
              upload|download|eventsource|websocket call=Email/* account=ID. When: nth=N first=N
              every=N probability=P limit=N (default: always). Actions:
            \(rows(FaultSpec.actions.filter { !$0.isPush }))
              Push (endpoint=eventsource|websocket; the when-words count state events or
              StateChanges, not exchanges):
            \(rows(FaultSpec.actions.filter { $0.isPush }))
              A refused connect is an HTTP fault: endpoint=eventsource action=status:503.
              While running: GET/POST/DELETE http://127.0.0.1:8470/_relay/faults (loopback only).
            """)
    }

    /// `    syntax    summary`, the summary wrapped in its column.
    static func rows(_ actions: [FaultSpec.ActionDescription]) -> String {
        let column = 36
        return actions.map { a in
            let label = "    " + a.syntax
            let indent = String(repeating: " ", count: column)
            let summary = HelpLayout.wrap(a.summary, width: HelpLayout.width - column).split(separator: "\n").map { indent + $0 }
            if label.count <= column - 1 {
                return ([label + String(summary[0].dropFirst(label.count))] + summary.dropFirst()).joined(separator: "\n")
            }
            return ([label] + summary).joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
