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

    public static let spec = ShapeSpec(
        type: "filter", category: .data, touchesNoSystem: true, summary: "Keep only payloads or items that meet conditions.",
        help: "Conditions are field rules (`where:`) or one JSONata `condition:`; a condition keeps what it finds truthy "
            + "(undefined, null, false, 0, \"\" and empty arrays are dropped).",
        settings: ObjectSpec(
            [
                FieldSpec(
                    "where", .list(.object(Condition.spec)),
                    help: "Field rules; all must hold (or one, with `match: any`)."),
                FieldSpec(
                    "match",
                    .choice([
                        Choice("all", help: "Every rule must hold."),
                        Choice("any", help: "At least one rule must hold."),
                    ]), default: "all", help: "How the `where:` rules combine."),
                FieldSpec("condition", .expression, help: "One JSONata condition instead of `where:`; with `items:` it is evaluated against each item."),
                FieldSpec("items", .fieldPath, help: "Filter this array inside each payload instead of whole payloads."),
                ExpressionLimits.field,
            ],
            rules: [
                .exactlyOne(
                    ["where", "condition"],
                    whenNone: RuleMessage("where", "required: give conditions in where: or a JSONata condition in condition:"),
                    whenSeveral: RuleMessage("condition", "give either where: or condition:, not both")),
                .onlyWhen("match", .not(.present("condition")), message: "applies to where: rules; write 'and' or 'or' in the condition"),
            ]),
        example: """
            - id: paid-only
              filter:
                where:
                  - { field: financial_status, equals: paid }
                  - { field: total_price, greater_than: 0 }
                match: all
            """)

    public var spec: ShapeSpec { Self.spec }

    enum Test: Sendable {
        case conditions([Condition], requireAll: Bool)
        case expression(ShapeExpression)
    }

    public func make(_ settings: ValidSettings) -> (any ShapeExecutor)? {
        let test: Test =
            settings.optional.expression("condition").map(Test.expression)
            ?? .conditions(Condition.list(settings.list("where")), requireAll: settings.string("match") == "all")
        return Executor(test: test, items: settings.optional.fieldPath("items"), limits: ExpressionLimits(settings.optional.object("limits")))
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
