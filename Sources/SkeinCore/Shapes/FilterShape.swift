import SkeinJSON

/// `filter`: keeps only the payloads (or the items of an array inside each payload) that
/// meet the conditions, written as field rules or as one JSONata condition.
///
/// ```yaml
/// filter:
///   where:                       # all must hold (match: any for at least one)
///     - { field: financial_status, equals: paid }
///     - { field: total_price, greater_than: 0 }
///   match: all
///   items: orders                # optional: filter this array inside each payload instead
/// # or, instead of where:
/// #  condition: financial_status = "paid" and $sum(line_items.(quantity * price)) > 0
/// ```
/// A JSONata condition keeps what it finds truthy (as `$boolean` decides: undefined, null,
/// false, 0, "" and empty arrays drop). With `items:` it is evaluated against each item.
public struct FilterShape: ShapeKind {
    public init() {}
    public var type: String { "filter" }
    public var summary: String { "Keep only payloads or items that meet conditions." }

    enum Test: Sendable {
        case conditions([Condition], requireAll: Bool)
        case expression(ShapeExpression)
    }

    public func prepare(_ settings: SettingsReader) -> (any ShapeExecutor)? {
        var test: Test?
        if settings.has("condition") && settings.has("where") {
            settings.report("condition", "give either where: or condition:, not both")
            _ = settings.raw("where")
            _ = settings.raw("match")
            _ = settings.raw("condition")
        } else if settings.has("condition") {
            if settings.has("match") { settings.report("match", "applies to where: rules; write 'and' or 'or' in the condition") }
            _ = settings.raw("match")
            test = settings.string("condition", required: true).flatMap {
                ShapeExpression.compile($0, path: settings.childPath("condition"), setting: "filter.condition", problems: settings.problems)
            }.map(Test.expression)
        } else {
            if !settings.has("where") {
                settings.report("where", "required: give conditions in where: or a JSONata condition in condition:")
            }
            let conditions = settings.array("where").flatMap {
                Condition.readList($0, path: settings.childPath("where"), problems: settings.problems)
            }
            let match = settings.string("match", allowed: ["all", "any"]) ?? "all"
            test = conditions.map { .conditions($0, requireAll: match == "all") }
        }
        let items = settings.fieldPath("items")
        let limits = ExpressionLimits.read(settings)
        settings.finish()
        guard settings.problems.isEmpty, let test else { return nil }
        return Executor(test: test, items: items, limits: limits)
    }

    struct Executor: ShapeExecutor {
        let test: Test
        let items: FieldPath?
        let limits: ExpressionLimits

        func keeps(_ document: JSON, index: Int, context: ShapeContext) throws(ShapeFailure) -> Bool {
            switch test {
            case .conditions(let conditions, let requireAll):
                requireAll ? conditions.allSatisfy { $0.holds(for: document) } : conditions.contains { $0.holds(for: document) }
            case .expression(let expression):
                ShapeExpression.isTruthy(try expression.evaluate(document, payloadIndex: index, limits: limits, context: context))
            }
        }

        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            var outputs: [Payload] = []
            for (index, payload) in input.enumerated() {
                let document = try payload.document(index: index)
                if let items {
                    guard case .array(let elements)? = items.value(in: document) else {
                        throw ShapeFailure("payload \(index): '\(items)' is not an array")
                    }
                    var kept: [JSON] = []
                    for element in elements where try keeps(element, index: index, context: context) { kept.append(element) }
                    var copy = document
                    items.set(.array(kept), in: &copy)
                    outputs.append(Payload(json: copy))
                } else if try keeps(document, index: index, context: context) {
                    outputs.append(payload)
                }
            }
            return ShapeResult(outputs: outputs, warnings: [])
        }
    }
}
