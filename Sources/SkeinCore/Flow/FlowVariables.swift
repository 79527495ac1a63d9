public import SkeinJSON

/// Flow variables: named JSON values a run carries from step to step.
///
/// They start as the flow file's `variables:` defaults, change with `set_variables` steps, are
/// stored with each step that changes them (so a resumed or replayed run sees them), and are read
/// - in JSONata as `$name` (or `$vars.name`, `$vars` being all of them as one object), and
/// - in connector templates as `{{name}}` (instance variables of the same name win).
public enum FlowVariables {
    /// Reads a `variables:` block: an object of names to literal JSON values.
    static func read(_ value: JSON?, path: String, problems: ProblemList) -> [String: JSON] {
        guard let value, value != .null else { return [:] }
        guard case .object(let members) = value else {
            problems.add(path, "expected an object of variable names and values, found \(value.typeName)")
            return [:]
        }
        var variables: [String: JSON] = [:]
        for (name, value) in members {
            if let problem = nameProblem(name) { problems.add("\(path).\(name)", problem); continue }
            variables[name] = value
        }
        return variables
    }

    /// Why `name` cannot be a variable name, or nil: letters, digits and `_`, not starting with
    /// a digit (so `$name` reads it in JSONata), and not `vars`.
    public static func nameProblem(_ name: String) -> String? {
        guard let first = name.unicodeScalars.first, name.count <= 100,
              first == "_" || (first.properties.isAlphabetic && first.isASCII),
              name.unicodeScalars.allSatisfy({ $0 == "_" || (($0.properties.isAlphabetic || $0.properties.numericType != nil) && $0.isASCII) })
        else { return "'\(name)' is not a variable name: use letters, digits and _, starting with a letter or _" }
        if name == "vars" { return "'vars' is reserved: $vars holds all variables as one object" }
        return nil
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
