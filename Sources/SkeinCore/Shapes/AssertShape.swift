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
    public var type: String { "assert" }
    public var summary: String { "Fail the run unless every payload meets conditions." }

    public func prepare(_ settings: SettingsReader) -> (any ShapeExecutor)? {
        let conditions = settings.array("that").flatMap {
            Condition.readList($0, path: settings.childPath("that"), problems: settings.problems)
        }
        let expression = settings.string("condition", required: settings.has("condition")).flatMap {
            ShapeExpression.compile($0, path: settings.childPath("condition"), setting: "assert.condition", problems: settings.problems)
        }
        let message = settings.string("message", required: settings.has("message"))
        if message != nil && !settings.has("condition") {
            settings.report("message", "applies to condition:; field rules in that: explain themselves")
        }
        let expected = settings.raw("equals")
        let hasEquals = settings.has("equals")
        let limits = ExpressionLimits.read(settings)
        settings.finish()
        if !settings.has("that") && !settings.has("condition") && !hasEquals && settings.problems.isEmpty {
            settings.report("that", "give conditions in that:, a JSONata condition in condition: or an expected document in equals:")
        }
        guard settings.problems.isEmpty else { return nil }
        return Executor(conditions: conditions ?? [], expression: expression, message: message,
                        expected: hasEquals ? (expected ?? .null) : nil, limits: limits)
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
                    throw ShapeFailure("assertion failed on payload \(index): it does not equal the expected document",
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
                        throw ShapeFailure("assertion failed on payload \(index): \(reason)", details: [
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
