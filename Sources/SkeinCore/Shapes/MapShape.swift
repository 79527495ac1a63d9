import SkeinJSON

/// `map`: builds a new document for each JSON payload, either from field rules (target path →
/// source) or with one JSONata `transform:` of the whole payload.
///
/// ```yaml
/// map:
///   fields:
///     order_number: id                                   # a JSONata expression; a plain path is one
///     customer.email: customer.email                     # nested targets are created as needed
///     first_sku: line_items[0].sku
///     total: $sum(line_items.(quantity * price))
///     currency: { value: GBP }                           # a constant
///     note: { expr: $trim(note), default: "" }           # an expression with a fallback
///     legacy: { path: order-id, default: 0 }             # a plain field path (any characters)
///   keep_unmapped: false                                 # true: start from a copy of the input
///   limits: { timeout: 1s, max_depth: 1000 }             # optional evaluation bounds
/// # or, instead of fields:
/// #  transform: '{"order": id, "lines": line_items.{"sku": sku, "qty": quantity}}'
/// ```
/// A rule whose source is undefined and has no default leaves the target out. Every expression
/// is compiled once, when the shape is prepared.
public struct MapShape: ShapeKind {
    public init() {}

    /// A field rule written as an object: `{expr: $trim(note), default: ""}`, `{path: order-id}`, `{value: GBP}`.
    static let ruleSpec = ObjectSpec(
        [
            FieldSpec("expr", .expression, help: "A JSONata expression over the payload."),
            FieldSpec("path", .fieldPath, help: "A plain field path (any characters in names)."),
            FieldSpec("value", .anyJSON, help: "A constant."),
            FieldSpec("default", .anyJSON, help: "The value when the expression or path gives nothing (undefined)."),
        ],
        rules: [
            .exactlyOne(
                ["expr", "path", "value"], whenNone: RuleMessage("", "give one of expr:, path: or value:"),
                whenSeveral: RuleMessage("", "give only one of {given}")),
            .onlyWhen("default", .not(.present("value")), message: "a constant value: needs no default"),
        ])

    public static let spec = ShapeSpec(
        type: "map", category: .data, touchesNoSystem: true, summary: "Map fields of each JSON payload to a new document.",
        help: "Field rules map a target path to a JSONata expression over the payload (a plain path is the simplest expression); "
            + "a rule whose source is undefined and has no default leaves the target out. Or one `transform:` builds the whole document.",
        settings: ObjectSpec(
            [
                FieldSpec(
                    "fields",
                    .dictionary(
                        DictionarySpec(
                            keyName: "target path",
                            keys: TextRules(check: TextCheck { (try? FieldPath($0)) == nil ? "'\($0)' is not a valid target path" : nil }),
                            value: .anyOf(
                                [.expression, .object(ruleSpec)],
                                mismatch: "expected a JSONata expression or {expr:, default:}, {path:, default:} or {value:}, found {found}"),
                            minimum: 1, tooFew: "needs at least one field rule")),
                    help: "Target path → source: a JSONata expression, or `{expr:, default:}`, `{path:, default:}` or `{value:}`. Nested targets are created."),
                FieldSpec("keep_unmapped", .boolean, default: false, help: "Start from a copy of the input instead of an empty document."),
                FieldSpec("transform", .expression, help: "One JSONata expression whose result is the new document, instead of `fields:`."),
                ExpressionLimits.field,
            ],
            rules: [
                .exactlyOne(
                    ["fields", "transform"],
                    whenNone: RuleMessage("fields", "required: give field rules in fields: or a JSONata expression in transform:"),
                    whenSeveral: RuleMessage("transform", "give either fields: or transform:, not both")),
                .onlyWhen("keep_unmapped", .not(.present("transform")), message: "applies to fields:; a transform: builds the whole document"),
            ]),
        example: """
            - id: to-erp-format
              map:
                fields:
                  order_number: id
                  customer.email: $lowercase(customer.email)
                  total: $sum(line_items.(quantity * $number(price)))
                  currency: { value: GBP }
                  note: { expr: $trim(note), default: "" }
            """)

    public var spec: ShapeSpec { Self.spec }

    struct Rule: Sendable {
        enum Source: Sendable {
            case expression(ShapeExpression, default: JSON?)
            case path(FieldPath, default: JSON?)
            case constant(JSON)
        }
        let target: FieldPath
        let source: Source
    }

    public func make(_ settings: ValidSettings) -> (any ShapeExecutor)? {
        let limits = ExpressionLimits(settings.optional.object("limits"))
        if let transform = settings.optional.expression("transform") { return TransformExecutor(transform: transform, limits: limits) }
        let rules = settings.entries("fields").compactMap { entry -> Rule? in
            guard let target = try? FieldPath(entry.key) else { return nil }
            switch entry.value {
            case .expression(let expression): return Rule(target: target, source: .expression(expression, default: nil))
            case .object(let rule):
                let fallback = rule.optional.json("default")
                if let expression = rule.optional.expression("expr") { return Rule(target: target, source: .expression(expression, default: fallback)) }
                if let path = rule.optional.fieldPath("path") { return Rule(target: target, source: .path(path, default: fallback)) }
                return Rule(target: target, source: .constant(rule.optional.json("value") ?? .null))
            default: return nil
            }
        }
        return Executor(rules: rules, keepUnmapped: settings.bool("keep_unmapped"), limits: limits)
    }

    struct Executor: ShapeExecutor {
        let rules: [Rule]
        let keepUnmapped: Bool
        let limits: ExpressionLimits

        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            ShapeResult(
                outputs: try await PayloadParallelism.map(input) { index, payload in
                    Payload(json: try map(try payload.document(index: index), index: index, context: context))
                })
        }

        func map(_ document: JSON, index: Int, context: ShapeContext) throws(ShapeFailure) -> JSON {
            var result: JSON = keepUnmapped ? document : .object([:])
            for rule in rules {
                switch rule.source {
                case .constant(let value): rule.target.set(value, in: &result)
                case .path(let path, let fallback):
                    if let value = path.value(in: document) ?? fallback { rule.target.set(value, in: &result) }
                case .expression(let expression, let fallback):
                    let value = try expression.evaluate(document, payloadIndex: index, limits: limits, context: context)
                    if let value = value ?? fallback { rule.target.set(value, in: &result) }
                }
            }
            return result
        }
    }

    /// `transform:` — the expression's result is the new document.
    struct TransformExecutor: ShapeExecutor {
        let transform: ShapeExpression
        let limits: ExpressionLimits

        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            ShapeResult(
                outputs: try await PayloadParallelism.map(input) { index, payload in
                    let document = try payload.document(index: index)
                    guard let result = try transform.evaluate(document, payloadIndex: index, limits: limits, context: context) else {
                        throw ShapeFailure(
                            "step '\(context.shapeID)', map.transform, payload \(index): the transform produced nothing (undefined); "
                                + "guard missing data in the expression, e.g. with a default: field ? field : null",
                            details: ["step": .string(context.shapeID), "payload_index": .number(Double(index))])
                    }
                    return Payload(json: result)
                })
        }
    }
}
