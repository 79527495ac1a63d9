import SkeinJSON

/// `assert`: fails the step unless every payload meets the conditions (field rules, a JSONata
/// condition, or an expected document). Use it to stop a run before bad data reaches a system.
///
/// ```yaml
/// assert:
///   that:
///     - { field: lines, exists: true }
///     - { field: currency, one_of: [GBP, EUR] }
///   condition: $count(lines) > 0 and $sum(lines.(qty * price)) = total   # JSONata, must be truthy
///   message: order total does not match its lines                         # optional, for condition:
///   # or: equals: { status: ok }
/// ```
public struct AssertShape: ShapeKind {
    public init() {}

    public static let spec = ShapeSpec(
        type: "assert", category: .data, touchesNoSystem: true, summary: "Fail the run unless every payload meets conditions.",
        help: "Use it to stop a run before bad data reaches a system; the step's error names the payload and the condition.",
        settings: ObjectSpec(
            [
                FieldSpec("that", .list(.object(Condition.spec)), help: "Field rules every payload must meet."),
                FieldSpec("condition", .expression, help: "A JSONata condition that must be truthy for every payload."),
                FieldSpec(
                    "message", .string(TextRules(nonEmpty: true)), help: "The error when `condition:` is not met (default: the condition and its result)."),
                FieldSpec("equals", .anyJSON, help: "The document every payload must equal."),
                ExpressionLimits.field,
            ],
            rules: [
                .atLeastOne(
                    ["that", "condition", "equals"],
                    whenNone: RuleMessage("that", "give conditions in that:, a JSONata condition in condition: or an expected document in equals:")),
                .onlyWhen("message", .present("condition"), message: "applies to condition:; field rules in that: explain themselves"),
            ]),
        example: """
            - id: has-lines
              assert:
                that: [ { field: lines, exists: true }, { field: currency, one_of: [GBP, EUR] } ]
                condition: $abs($sum(lines.(qty * price)) - total) < 0.01
                message: the order total does not match its lines
            """)

    public var spec: ShapeSpec { Self.spec }

    public func make(_ settings: ValidSettings) -> (any ShapeExecutor)? {
        Executor(
            conditions: Condition.list(settings.optional.list("that") ?? []), expression: settings.optional.expression("condition"),
            message: settings.optional.string("message"),
            expected: settings.has("equals") ? settings.optional.json("equals") ?? .null : nil,
            limits: ExpressionLimits(settings.optional.object("limits")))
    }

    struct Executor: ShapeExecutor {
        let conditions: [Condition]
        let expression: ShapeExpression?
        let message: String?
        let expected: JSON?
        let limits: ExpressionLimits

        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            for (index, payload) in input.enumerated() {
                let document = try payload.document(index: index)
                if let expected, document != expected {
                    throw ShapeFailure(
                        "assertion failed on payload \(index): it does not equal the expected document",
                        details: ["expected": expected, "actual": document])
                }
                for condition in conditions where !condition.holds(for: document) {
                    let actual = condition.field.value(in: document)
                    throw ShapeFailure(
                        "assertion failed on payload \(index): expected \(condition.summary), found \(actual?.serialized() ?? "nothing")",
                        details: ["payload_index": .number(Double(index)), "condition": .string(condition.summary)])
                }
                if let expression {
                    let result = try expression.evaluate(document, payloadIndex: index, limits: limits, context: context)
                    if !ShapeExpression.isTruthy(result) {
                        let reason = message ?? "condition \(expression.source) is \(result?.serialized() ?? "undefined")"
                        throw ShapeFailure(
                            "assertion failed on payload \(index): \(reason)",
                            details: [
                                "payload_index": .number(Double(index)), "condition": .string(expression.source),
                                "result": result ?? .null,
                            ])
                    }
                }
            }
            return ShapeResult(outputs: input)
        }
    }
}
