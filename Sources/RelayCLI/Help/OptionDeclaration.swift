/// One command-line option, declared once: the parser reads `names`, `valueName` and `apply`;
/// `--help`, `help <subcommand>` and the CLI reference are generated from the same value.
///
/// Adding an option is adding one declaration to the table of the subcommand (or of the group,
/// such as ``CommonOptions/declarations``) it belongs to.
struct OptionDeclaration<Options>: Sendable {
    /// Spellings, short one first: `["-o", "--output"]`.
    var names: [String]
    /// The value's placeholder (`url` shows as `<url>`); nil for a flag.
    var valueName: String?
    var defaultValue: OptionDefault?
    /// One paragraph; help wraps it.
    var help: String
    /// Stores the value (`""` for a flag) in the options, or throws a ``UsageError`` for the
    /// subcommand named by the last argument.
    var apply: @Sendable (inout Options, _ value: String, _ command: String) throws -> Void

    /// An option that takes a value.
    static func value(
        _ names: String..., valueName: String, default defaultValue: OptionDefault? = nil, help: String,
        apply: @escaping @Sendable (inout Options, _ value: String, _ command: String) throws -> Void
    ) -> Self {
        Self(names: names, valueName: valueName, defaultValue: defaultValue, help: help, apply: apply)
    }

    /// An option that takes no value.
    static func flag(_ names: String..., help: String, apply: @escaping @Sendable (inout Options) -> Void) -> Self {
        Self(names: names, valueName: nil, defaultValue: nil, help: help, apply: { o, _, _ in apply(&o) })
    }

    /// The option as help shows it: `-o, --output <file>`.
    var label: String {
        names.joined(separator: ", ") + (valueName.map { " <\($0)>" } ?? "")
    }

    /// The same option working on a part of a larger set of options (``CommonOptions`` inside
    /// ``ServeOptions``).
    func lifted<Root>(_ part: WritableKeyPath<Root, Options> & Sendable) -> OptionDeclaration<Root> {
        let apply = self.apply
        return OptionDeclaration<Root>(names: names, valueName: valueName, defaultValue: defaultValue, help: help) { root, v, c in
            try apply(&root[keyPath: part], v, c)
        }
    }

    /// The same option working on an optional part, created (from `empty`) when the option is
    /// given: `--record-mode` creates the recording options.
    func lifted<Root>(_ part: WritableKeyPath<Root, Options?> & Sendable, empty: Options) -> OptionDeclaration<Root>
    where Options: Sendable {
        let apply = self.apply
        return OptionDeclaration<Root>(names: names, valueName: valueName, defaultValue: defaultValue, help: help) { root, v, c in
            var o = root[keyPath: part] ?? empty
            try apply(&o, v, c)
            root[keyPath: part] = o
        }
    }
}

/// The positional argument of a subcommand (every subcommand takes at most one).
struct ArgumentDeclaration<Options>: Sendable {
    /// The placeholder, shown as `<file>`.
    var name: String
    var help: String
    /// Used when the argument is left out; nil makes it required.
    var defaultValue: String?
    /// The error when a required argument is missing.
    var missing: String
    var apply: @Sendable (inout Options, String) -> Void
}

/// What help says about an option's default.
enum OptionDefault: Sendable, Equatable {
    /// A value the parser applies through the option's `apply` before it reads the arguments,
    /// so the default shown is the default used.
    case value(String)
    /// A default that is not a value of the option (`one per core`, `stdout`).
    case described(String)

    var text: String {
        switch self {
        case .value(let v), .described(let v): v
        }
    }
}
