import SkeinJSON

/// `set_variables`: sets flow variables that later steps read (`$name` in JSONata, `{{name}}`
/// in connector templates). Payloads pass through unchanged.
///
/// ```yaml
/// - id: remember-batch
///   set_variables:
///     values:
///       batch: order_number            # JSONata over the payload (a string is an expression)
///       total: $sum(line_items.(quantity * price))
///       source: { value: shop }        # a literal value
///     from: first                      # first (default), last or all ($ is every payload as an array)
/// ```
/// An expression that gives nothing (undefined) leaves the variable as it was, with a warning.
public struct SetVariablesShape: ShapeKind {
    public init() {}
    public var type: String { "set_variables" }
    public var summary: String { "Set flow variables from the payload or literal values, for later shapes." }

    enum Source: String { case first, last, all }

    enum Value: Sendable {
        case literal(JSON)
        case expression(ShapeExpression)
    }

    public func prepare(_ settings: SettingsReader) -> (any ShapeExecutor)? {
        var values: [(String, Value)] = []
        if let reader = settings.object("values", required: true) {
            if reader.members.isEmpty { settings.report("values", "give at least one variable to set") }
            for (name, raw) in reader.members {
                let path = reader.childPath(name)
                _ = reader.raw(name)
                if let problem = FlowVariables.nameProblem(name) { reader.report(name, problem); continue }
                switch raw {
                case .string(let text):
                    if let expression = ShapeExpression.compile(text, path: path, setting: "set_variables.values.\(name)", problems: settings.problems) {
                        values.append((name, .expression(expression)))
                    }
                case .object(let members) where members.count == 1 && members["value"] != nil:
                    values.append((name, .literal(members["value"]!)))
                case .object, .array:
                    reader.report(name, "write a JSONata expression as a string, or a literal as { value: ... }")
                default:
                    values.append((name, .literal(raw)))
                }
            }
        }
        let source = settings.string("from", allowed: ["first", "last", "all"]).flatMap(Source.init(rawValue:)) ?? .first
        let limits = ExpressionLimits.read(settings)
        settings.finish()
        return settings.problems.isEmpty ? Executor(values: values, source: source, limits: limits) : nil
    }

    struct Executor: ShapeExecutor {
        let values: [(String, Value)]
        let source: Source
        let limits: ExpressionLimits

        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            let document: JSON?
            let index: Int
            switch source {
            case .first: document = try input.first.map { _ in try input[0].document(index: 0) }; index = 0
            case .last: document = try input.last.map { _ in try input[input.count - 1].document(index: input.count - 1) }; index = max(0, input.count - 1)
            case .all: document = .array(try input.enumerated().map { try $0.element.document(index: $0.offset) }); index = 0
            }
            var variables = context.variables
            var warnings: [String] = []
            for (name, value) in values {
                switch value {
                case .literal(let json): variables[name] = json
                case .expression(let expression):
                    var scoped = context
                    scoped.variables = variables
                    if let result = try expression.evaluate(document, payloadIndex: index, limits: limits, context: scoped) {
                        variables[name] = result
                    } else {
                        warnings.append("variable '\(name)': '\(expression.source)' gave nothing; it keeps its previous value")
                    }
                }
            }
            return ShapeResult(outputs: input, warnings: warnings, variables: variables)
        }
    }
}
