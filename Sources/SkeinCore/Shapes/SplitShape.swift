import SkeinJSON

/// `split` (flow control): turns the array at `path` in each payload into one payload per
/// item, or per batch of `batch_size` items.
///
/// ```yaml
/// split:
///   path: orders          # the array to split; omit for a payload that is itself an array
///   batch_size: 1         # 1: each item is a payload; N: arrays of up to N items
///   wrap_key: orders      # optional: each batch becomes {"orders": [...]}
/// ```
public struct SplitShape: ShapeKind {
    public init() {}

    public static let spec = ShapeSpec(
        type: "split", category: .flowControl, touchesNoSystem: true, summary: "Split an array into one payload per item or per batch.",
        settings: ObjectSpec([
            FieldSpec("path", .fieldPath, default: "$", help: "The array to split; `$` (the default) when the payload itself is an array."),
            FieldSpec("batch_size", .integer(1...1_000_000), default: 1, help: "1: each item is a payload; N: arrays of up to N items."),
            FieldSpec("wrap_key", .string, help: "Each output becomes `{wrap_key: item-or-batch}` instead of the bare item or array."),
        ]),
        example: """
            - id: each-order
              split: { path: orders, batch_size: 1 }
            """)

    public var spec: ShapeSpec { Self.spec }

    public func make(_ settings: ValidSettings) -> (any ShapeExecutor)? {
        Executor(path: settings.fieldPath("path"), batchSize: settings.int("batch_size"), wrapKey: settings.optional.string("wrap_key"))
    }

    struct Executor: ShapeExecutor {
        let path: FieldPath
        let batchSize: Int
        let wrapKey: String?

        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            var outputs: [Payload] = []
            for (index, payload) in input.enumerated() {
                let document = try payload.document(index: index)
                guard let found = path.value(in: document) else {
                    throw ShapeFailure("payload \(index): there is nothing at '\(path)' to split")
                }
                guard case .array(let elements) = found else {
                    throw ShapeFailure("payload \(index): '\(path)' is \(found.typeName), not an array")
                }
                outputs.reserveCapacity(outputs.count + elements.count / batchSize + 1)
                var start = 0
                while start < elements.count {
                    let end = min(start + batchSize, elements.count)
                    var value: JSON = batchSize == 1 && wrapKey == nil ? elements[start] : .array(Array(elements[start..<end]))
                    if let wrapKey { value = .object([wrapKey: batchSize == 1 ? elements[start] : value]) }
                    outputs.append(Payload(json: value))
                    start = end
                }
            }
            return ShapeResult(outputs: outputs)
        }
    }
}
