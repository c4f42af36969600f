/// A result reference in a call's arguments (RFC 8620 §3.7): `"#ids": {"resultOf": "q",
/// "name": "Email/query", "path": "/ids"}`.
public struct ResultReference: Sendable, Equatable {
    /// The argument name without its `#`.
    public var argument: String
    public var resultOf: String
    public var name: String
    public var path: String

    /// The well-formed result references among `call`'s arguments, in argument order.
    public static func all(in call: JMAPInvocation) -> [ResultReference] {
        call.arguments.compactMap { key, value in
            guard key.hasPrefix("#"), let o = value.objectValue, let resultOf = o["resultOf"]?.stringValue,
                  let name = o["name"]?.stringValue, let path = o["path"]?.stringValue else { return nil }
            return ResultReference(argument: String(key.dropFirst()), resultOf: resultOf, name: name, path: path)
        }
    }

    /// The names of the responses a call produces: its own, plus the implicit `/set` of
    /// `/copy` with `onSuccessDestroyOriginal` (RFC 8620 §5.4) and `Email/set` of
    /// `EmailSubmission/set` with `onSuccessUpdateEmail`/`onSuccessDestroyEmail` (RFC 8621 §7.5).
    public static func responseNames(of call: JMAPInvocation) -> Set<String> {
        var names: Set<String> = [call.name]
        if call.operation == "copy", call.arguments["onSuccessDestroyOriginal"]?.boolValue == true {
            names.insert("\(call.typeName)/set")
        }
        if call.name == "EmailSubmission/set",
           call.arguments["onSuccessUpdateEmail"] != nil || call.arguments["onSuccessDestroyEmail"] != nil {
            names.insert("Email/set")
        }
        return names
    }
}
