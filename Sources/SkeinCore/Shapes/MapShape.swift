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
    public var type: String { "map" }
    public var summary: String { "Map fields of each JSON payload to a new document." }

    struct Rule: Sendable {
        enum Source: Sendable {
            case expression(ShapeExpression, default: JSON?)
            case path(FieldPath, default: JSON?)
            case constant(JSON)
        }
        let target: FieldPath
        let source: Source
    }

    public func prepare(_ settings: SettingsReader) -> (any ShapeExecutor)? {
        let keepUnmapped = settings.bool("keep_unmapped")
        let limits = ExpressionLimits.read(settings)
        var transform: ShapeExpression?
        if !settings.has("fields") && !settings.has("transform") {
            settings.report("fields", "required: give field rules in fields: or a JSONata expression in transform:")
        }
        if settings.has("transform"), let text = settings.string("transform", required: true) {
            transform = ShapeExpression.compile(text, path: settings.childPath("transform"), setting: "map.transform",
                                                problems: settings.problems)
        }
        var rules: [Rule] = []
        if settings.has("transform") && settings.has("fields") {
            settings.report("transform", "give either fields: or transform:, not both")
        } else if transform != nil, keepUnmapped != nil {
            settings.report("keep_unmapped", "applies to fields:; a transform: builds the whole document")
        }
        if settings.has("fields"), let fields = settings.object("fields") {
            rules = readRules(fields)
            if fields.members.isEmpty { settings.report("fields", "needs at least one field rule") }
        }
        settings.finish()
        guard settings.problems.isEmpty else { return nil }
        if let transform { return TransformExecutor(transform: transform, limits: limits) }
        return Executor(rules: rules, keepUnmapped: keepUnmapped ?? false, limits: limits)
    }

    private func readRules(_ fields: SettingsReader) -> [Rule] {
        var rules: [Rule] = []
        let problems = fields.problems
        for (target, source) in fields.members {
            let path = fields.childPath(target)
            let setting = "map.fields.\(target)"
            _ = fields.raw(target)
            guard let targetPath = try? FieldPath(target) else {
                problems.add(path, "'\(target)' is not a valid target path")
                continue
            }
            switch source {
            case .string(let text):
                if let expression = ShapeExpression.compile(text, path: path, setting: setting, problems: problems) {
                    rules.append(Rule(target: targetPath, source: .expression(expression, default: nil)))
                }
            case .object:
                guard let rule = SettingsReader(source, path: path, problems: problems) else { continue }
                let given = ["expr", "path", "value"].filter { rule.has($0) }
                let fallback = rule.raw("default")
                var built: Rule.Source?
                if given.count != 1 {
                    rule.report("", given.isEmpty ? "give one of expr:, path: or value:" : "give only one of \(given.joined(separator: ", "))")
                    given.forEach { _ = rule.raw($0) }
                } else if given[0] == "value" {
                    built = .constant(rule.raw("value") ?? .null)
                    if fallback != nil { rule.report("default", "a constant value: needs no default") }
                } else if given[0] == "path" {
                    built = rule.fieldPath("path", required: true).map { .path($0, default: fallback) }
                } else if let text = rule.string("expr", required: true) {
                    built = ShapeExpression.compile(text, path: rule.childPath("expr"), setting: setting, problems: problems)
                        .map { .expression($0, default: fallback) }
                }
                rule.finish()
                if let built { rules.append(Rule(target: targetPath, source: built)) }
            default:
                problems.add(path, "expected a JSONata expression or {expr:, default:}, {path:, default:} or {value:}, found \(source.typeName)")
            }
        }
        return rules
    }

    struct Executor: ShapeExecutor {
        let rules: [Rule]
        let keepUnmapped: Bool
        let limits: ExpressionLimits

        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            ShapeResult(outputs: try await PayloadParallelism.map(input) { index, payload in
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
            ShapeResult(outputs: try await PayloadParallelism.map(input) { index, payload in
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
