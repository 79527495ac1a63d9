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

    public static let spec = ShapeSpec(
        type: "set_variables", category: .data,
        summary: "Set flow variables from the payload or literal values, for later shapes.",
        help: "Values are evaluated in order, so a later value can use an earlier one; an expression that gives nothing "
            + "leaves the variable as it was, with a warning. Variables are stored with the step, so resumed, retried and replayed runs see them.",
        settings: ObjectSpec([
            FieldSpec(
                "values",
                .dictionary(
                    DictionarySpec(
                        keyName: "variable name", keys: FlowSpec.variableName,
                        value: .anyOf(
                            [.expression, .object([FieldSpec("value", .anyJSON, required: true, help: "The literal value.")]), .json(.scalar)],
                            mismatch: "write a JSONata expression as a string, or a literal as { value: ... }"),
                        minimum: 1, tooFew: "give at least one variable to set")), required: true,
                help: "Variable name → a JSONata expression over the payload (a string), `{ value: … }` for a literal, or a number, boolean or null."),
            FieldSpec(
                "from",
                .choice([
                    Choice("first", help: "`$` is the first payload."),
                    Choice("last", help: "`$` is the last payload."),
                    Choice("all", help: "`$` is every payload, as an array."),
                ]), default: "first", help: "Which payload the expressions read."),
            ExpressionLimits.field,
        ]),
        example: """
            - id: remember-batch
              set_variables:
                values:
                  batch: "'B-' & $string(batch_id)"
                  total: $sum(orders.line_items.(quantity * price))
                  source: { value: shop }
                from: first
            """)

    public var spec: ShapeSpec { Self.spec }

    enum Source: String { case first, last, all }

    enum Value: Sendable {
        case literal(JSON)
        case expression(ShapeExpression)
    }

    public func make(_ settings: ValidSettings) -> (any ShapeExecutor)? {
        let values = settings.entries("values").map { entry -> (String, Value) in
            switch entry.value {
            case .expression(let expression): (entry.key, .expression(expression))
            case .object(let literal): (entry.key, .literal(literal.json("value")))
            case let other: (entry.key, .literal(other.json))
            }
        }
        return Executor(
            values: values, source: Source(rawValue: settings.string("from")) ?? .first,
            limits: ExpressionLimits(settings.optional.object("limits")))
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
