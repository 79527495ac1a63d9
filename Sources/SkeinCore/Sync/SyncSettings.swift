public import JSONata
public import SkeinJSON

/// The `sync:` block of a send: what to call each item in the sync report.
///
/// ```yaml
/// sync: { system: ERP, reference: "reference", source_id: "order_number", endpoint_id: "erp_id" }
/// ```
///
/// `reference` and `source_id` are JSONata over the payload sent; `endpoint_id` is JSONata over
/// the destination's answer. Expressions are compiled when the flow is read, so a typo is
/// reported by `skein flow validate` with its path.
///
/// Shared by the connector shapes that send (`http`, `sftp`); a shape whose destination gives
/// no answer to read an id from (a file upload) passes `endpointIDMeaning` to refuse
/// `endpoint_id` and say what the endpoint id is instead.
public struct SyncSettings: Sendable {
    public var system: String
    public var reference: JSONataExpression?
    public var sourceID: JSONataExpression?
    public var endpointID: JSONataExpression?

    /// The `sync:` block's settings. A shape whose destination gives no answer to read an id
    /// from passes `endpointIDMeaning` to refuse `endpoint_id` and say what the endpoint id is instead.
    public static func spec(endpointIDMeaning: String? = nil) -> ObjectSpec {
        var fields = [
            FieldSpec("system", .string, required: true, help: "The destination's name in the sync report (`ERP`, `Warehouse`)."),
            FieldSpec("reference", .expression, help: "JSONata over the payload sent: what people search for (an order number)."),
            FieldSpec("source_id", .expression, help: "JSONata over the payload sent: the item's id in the source system."),
        ]
        var rules: [SpecRule] = []
        if let endpointIDMeaning {
            rules.append(.refused("endpoint_id", message: "does not apply here: \(endpointIDMeaning)"))
        } else {
            fields.append(FieldSpec("endpoint_id", .expression, help: "JSONata over the destination's answer: the item's id there."))
        }
        return ObjectSpec(fields, rules: rules)
    }

    /// The settings of a validated `sync:` block.
    public init(_ settings: ValidSettings) {
        system = settings.string("system")
        reference = settings.optional.expression("reference")?.jsonata
        sourceID = settings.optional.expression("source_id")?.jsonata
        endpointID = settings.spec.field("endpoint_id") == nil ? nil : settings.optional.expression("endpoint_id")?.jsonata
    }

    /// The text of `expression` over `input`: strings as they are, other values as JSON, nothing as "".
    /// An expression that fails on this input gives "" and a note (the item is still sent and reported).
    public static func text(_ expression: JSONataExpression?, _ input: JSON?, _ notes: inout [String], name: String) -> String {
        guard let expression, let input else { return "" }
        do {
            switch try expression.evaluate(input: input, limits: .default) {
            case nil, .null?: return ""
            case .string(let text)?: return text
            case let value?: return value.serialized()
            }
        } catch {
            notes.append("sync \(name) '\(expression.source)' failed: \(error)")
            return ""
        }
    }
}
