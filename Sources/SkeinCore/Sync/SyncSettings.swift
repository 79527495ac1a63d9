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

    public static func read(_ reader: SettingsReader, endpointIDMeaning: String? = nil) -> SyncSettings? {
        let system = reader.string("system", required: true)
        let reference = expression(reader, "reference")
        let sourceID = expression(reader, "source_id")
        var endpointID: JSONataExpression?
        if let endpointIDMeaning {
            if reader.raw("endpoint_id") != nil { reader.report("endpoint_id", "does not apply here: \(endpointIDMeaning)") }
        } else {
            endpointID = expression(reader, "endpoint_id")
        }
        reader.finish()
        guard reader.problems.isEmpty, let system else { return nil }
        return SyncSettings(system: system, reference: reference, sourceID: sourceID, endpointID: endpointID)
    }

    private static func expression(_ reader: SettingsReader, _ key: String) -> JSONataExpression? {
        guard let text = reader.string(key) else { return nil }
        do { return try JSONataExpression(compiling: text) } catch {
            reader.report(key, "is not a valid JSONata expression: \(error)")
            return nil
        }
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
