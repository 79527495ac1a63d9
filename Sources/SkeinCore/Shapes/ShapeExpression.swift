import JSONata
import SkeinJSON

/// A JSONata expression written in a flow file (a map field, a `transform:`, a filter or assert
/// `condition:`), compiled once when the shape is prepared and evaluated for every payload.
///
/// ```yaml
/// map:
///   fields:
///     total: $sum(line_items.(quantity * price))
/// ```
/// A malformed expression is a validation problem at the setting's path:
/// `shapes[3].map.fields.total: JSONata S0202 at position 12: Expected "]", got "}"`.
public struct ShapeExpression: Sendable {
    /// Where the expression is written, relative to the shape: `map.fields.total`, `filter.condition`.
    public let setting: String
    let compiled: JSONataExpression

    public var source: String { compiled.source }

    /// Compiles `text`, recording a problem at `path` when it is malformed. `setting` names the
    /// expression in run-time errors (`map.fields.total`).
    public static func compile(_ text: String, path: String, setting: String, problems: ProblemList) -> ShapeExpression? {
        do {
            return ShapeExpression(setting: setting, compiled: try JSONataExpression(compiling: text))
        } catch let error as JSONataError {
            problems.add(path, "JSONata \(error)")
        } catch {
            problems.add(path, "JSONata: \(error)")
        }
        return nil
    }

    /// Evaluates against one payload's document (or one item of it); `nil` is JSONata's undefined.
    /// A failure names the step, this setting, the payload index and the position in the expression.
    public func evaluate(_ document: JSON?, payloadIndex: Int, limits: ExpressionLimits, context: ShapeContext) throws(ShapeFailure) -> JSON? {
        do {
            return try compiled.evaluate(
                input: document, bindings: context.expressionBindings, functions: context.lookups.functions,
                limits: limits.evaluationLimits)
        } catch {
            let jsonata = error as? JSONataError
            let reason = jsonata.map { "JSONata \($0)" } ?? "JSONata: \(error)"
            var details: JSON.Object = [
                "step": .string(context.shapeID), "setting": .string(setting),
                "payload_index": .number(Double(payloadIndex)), "expression": .string(source),
            ]
            if let jsonata {
                details["code"] = .string(jsonata.code)
                if let position = jsonata.position { details["position"] = .number(Double(position)) }
            }
            throw ShapeFailure("step '\(context.shapeID)', \(setting), payload \(payloadIndex): \(reason)", details: .object(details))
        }
    }

    /// JSONata's truthiness (`$boolean`): undefined, null, false, 0, "" and empty arrays or objects
    /// are false; an array is true when any member is.
    public static func isTruthy(_ value: JSON?) -> Bool {
        switch value {
        case nil, .null?: false
        case .bool(let bool)?: bool
        case .number(let number)?: number != 0
        case .string(let string)?: !string.isEmpty
        case .array(let elements)?: elements.contains { isTruthy($0) }
        case .object(let members)?: !members.isEmpty
        }
    }
}

/// Bounds on one evaluation of a flow's expression, so a user expression cannot hang a worker or
/// exhaust its stack: it fails the step with `U1001` instead.
///
/// Written on a map, filter or assert shape as `limits: { timeout: 1s, max_depth: 1000 }`. The
/// other limits (nesting, sizes) are `JSONataLimits.default`'s, the same as for `skein expr`,
/// the API's expression endpoint and the playground.
public struct ExpressionLimits: Sendable, Equatable {
    /// The longest one evaluation (one expression on one payload) may run.
    public var timeout: Duration
    /// The deepest nesting of evaluation (recursive functions nest one level per call and more).
    public var maxDepth: Int

    public init(timeout: Duration = JSONataLimits.default.timeout ?? .seconds(1), maxDepth: Int = JSONataLimits.default.maxDepth) {
        self.timeout = timeout
        self.maxDepth = maxDepth
    }

    /// One second and depth 1000: far beyond what mapping an order needs, short enough that a
    /// runaway expression fails quickly.
    public static let `default` = ExpressionLimits()

    /// The largest values a flow may ask for.
    public static let maximumTimeout: Duration = .seconds(60)
    public static let maximumDepth = JSONataLimits.maximumDepth

    var evaluationLimits: JSONataLimits {
        var limits = JSONataLimits.default
        limits.maxDepth = maxDepth
        limits.timeout = timeout
        return limits
    }

    /// The optional `limits:` setting of the shapes that evaluate expressions.
    public static let field = FieldSpec(
        "limits",
        .object([
            FieldSpec(
                "timeout", .duration(.positive(atMost: maximumTimeout)), default: .duration(ExpressionLimits.default.timeout),
                help: "The longest one evaluation (one expression on one payload) may run."),
            FieldSpec(
                "max_depth", .integer(10...maximumDepth), default: .int(ExpressionLimits.default.maxDepth),
                help: "The deepest nesting of evaluation (recursive functions nest one level per call and more)."),
        ]), help: "Bounds on each evaluation of this shape's JSONata, so a runaway expression fails the step (U1001) instead of hanging a worker.")

    /// The limits written in a shape's validated `limits:` setting, or the defaults.
    public init(_ settings: ValidSettings?) {
        guard let settings else { self = .default; return }
        self.init(timeout: settings.duration("timeout"), maxDepth: settings.int("max_depth"))
    }
}
