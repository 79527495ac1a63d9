import Foundation
public import SkeinCore
import SkeinJSON
public import SkeinStorage

/// `track_data`: indexes chosen fields of the payloads passing through, so `skein track search
/// 1042` finds every run and step order 1042 went through. Payloads pass unchanged.
///
/// ```yaml
/// - id: track-orders
///   track_data:
///     fields:
///       order: order_number        # JSONata per payload; a list (line_items.sku) tracks each value
///       sku: line_items.sku
/// ```
/// A field that gives nothing for a payload is simply not tracked for it.
public struct TrackDataShape: ShapeKind {
    let tracked: (any TrackedDataStore)?
    let now: ShapeClock

    public init(tracked: (any TrackedDataStore)?, now: @escaping ShapeClock = Date.init) {
        self.tracked = tracked
        self.now = now
    }

    public var type: String { "track_data" }
    public var summary: String { "Index chosen fields (order number, SKU) of payloads, searchable across runs." }

    /// Values longer than this are not indexed (they are not identifiers anyone searches for).
    static let maximumValueLength = 500

    public func prepare(_ settings: SettingsReader) -> (any ShapeExecutor)? {
        var fields: [(String, ShapeExpression)] = []
        if let reader = settings.object("fields", required: true) {
            if reader.members.isEmpty { settings.report("fields", "name at least one field to track") }
            for (name, value) in reader.members {
                _ = reader.raw(name)
                guard case .string(let text) = value else {
                    reader.report(name, "expected a JSONata expression (a string), found \(value.typeName)")
                    continue
                }
                if let expression = ShapeExpression.compile(text, path: reader.childPath(name), setting: "track_data.fields.\(name)",
                                                            problems: settings.problems) {
                    fields.append((name, expression))
                }
            }
        }
        let limits = ExpressionLimits.read(settings)
        settings.finish()
        return settings.problems.isEmpty ? Executor(tracked: tracked, now: now, fields: fields, limits: limits) : nil
    }

    struct Executor: ShapeExecutor {
        let tracked: (any TrackedDataStore)?
        let now: ShapeClock
        let fields: [(String, ShapeExpression)]
        let limits: ExpressionLimits

        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            guard let tracked else { throw ShapeFailure("step '\(context.shapeID)': no tracked data store is configured") }
            var values: [TrackedValue] = []
            var skipped = 0
            for (index, payload) in input.enumerated() {
                let document = try payload.document(index: index)
                for (field, expression) in fields {
                    let result = try expression.evaluate(document, payloadIndex: index, limits: limits, context: context)
                    let items: [JSON]
                    switch result {
                    case .array(let elements)?: items = elements
                    case let value?: items = [value]
                    case nil: items = []
                    }
                    for item in items {
                        guard let text = KeyText.text(item) else { continue }
                        guard text.count <= TrackDataShape.maximumValueLength else { skipped += 1; continue }
                        values.append(TrackedValue(runID: context.runID, flowID: context.flowID, shapeID: context.shapeID,
                                                   payloadIndex: index, field: field, value: text))
                    }
                }
            }
            try await tracked.recordTrackedValues(values, now: now())
            let warnings = skipped > 0 ? ["\(skipped) value\(skipped == 1 ? "" : "s") longer than \(TrackDataShape.maximumValueLength) characters not tracked"] : []
            return ShapeResult(outputs: input, warnings: warnings)
        }
    }
}
