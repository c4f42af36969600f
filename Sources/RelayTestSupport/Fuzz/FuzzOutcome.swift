/// What one fuzz input did to its target.
public enum FuzzOutcome: Sendable, Equatable {
    /// The input parsed (or loaded) whole.
    case accepted
    /// The input was refused with a typed error; `kind` names the error's case.
    case rejected(kind: String)
    /// An invariant broke: a wrong error type, an empty message, a hang, or a result that
    /// depends on how the bytes were split.
    case failed(String)

    /// The error's case name: `badHeader("…")` gives `badHeader`.
    static func kind(of error: any Error) -> String {
        if let label = Mirror(reflecting: error).children.first?.label { return label }
        return String(describing: error)
    }
}
