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

    /// Values longer than this are not indexed (they are not identifiers anyone searches for).
    static let maximumValueLength = 500

    public static let spec = ShapeSpec(
        type: "track_data", category: .memory,
        summary: "Index chosen fields (order number, SKU) of payloads, searchable across runs.",
        help: "`skein track search 1042` then finds every run, step and payload that carried 1042. Payloads pass unchanged; "
            + "values longer than \(maximumValueLength) characters are not indexed.",
        settings: ObjectSpec([
            FieldSpec(
                "fields",
                .dictionary(
                    DictionarySpec(
                        keyName: "field name", value: .expression, minimum: 1,
                        tooFew: "name at least one field to track")), required: true,
                help: "Name → JSONata per payload; a list result tracks each of its values; nothing is not tracked."),
            ExpressionLimits.field,
        ]),
        example: """
            - id: track-orders
              track_data:
                fields:
                  order: order_number
                  sku: line_items.sku
            """)

    public var spec: ShapeSpec { Self.spec }

    public func make(_ settings: ValidSettings) -> (any ShapeExecutor)? {
        let fields = settings.entries("fields").compactMap { entry in entry.value.expression.map { (entry.key, $0) } }
        return Executor(tracked: tracked, now: now, fields: fields, limits: ExpressionLimits(settings.optional.object("limits")))
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
                        values.append(
                            TrackedValue(
                                runID: context.runID, flowID: context.flowID, shapeID: context.shapeID,
                                payloadIndex: index, field: field, value: text))
                    }
                }
            }
            try await tracked.recordTrackedValues(values, now: now())
            let warnings =
                skipped > 0 ? ["\(skipped) value\(skipped == 1 ? "" : "s") longer than \(TrackDataShape.maximumValueLength) characters not tracked"] : []
            return ShapeResult(outputs: input, warnings: warnings)
        }
    }
}
