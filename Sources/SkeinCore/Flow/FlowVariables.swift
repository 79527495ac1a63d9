public import SkeinJSON

/// Flow variables: named JSON values a run carries from step to step.
///
/// They start as the flow file's `variables:` defaults, change with `set_variables` steps, are
/// stored with each step that changes them (so a resumed or replayed run sees them), and are read
/// - in JSONata as `$name` (or `$vars.name`, `$vars` being all of them as one object), and
/// - in connector templates as `{{name}}` (instance variables of the same name win).
public enum FlowVariables {
    /// Why `name` cannot be a variable name, or nil: letters, digits and `_`, not starting with
    /// a digit (so `$name` reads it in JSONata), and not `vars` (`FlowSpec.variableName`).
    public static func nameProblem(_ name: String) -> String? {
        let rules = FlowSpec.variableName
        if let pattern = rules.pattern, !SpecPattern.matches(name, pattern) {
            return rules.patternMessage?.replacingAll("{value}", with: name)
        }
        return rules.check?.run(name)
    }

    /// All variables as one JSON object, keys sorted.
    public static func object(_ variables: [String: JSON]) -> JSON {
        .object(.init(uniqueKeysWithValues: variables.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
    }
}

extension ShapeContext {
    /// What JSONata expressions of a step see: every variable as `$name`, and `$vars`.
    public var expressionBindings: [String: JSON] {
        var bindings = variables
        bindings["vars"] = FlowVariables.object(variables)
        return bindings
    }
}
