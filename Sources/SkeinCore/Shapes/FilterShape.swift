import SkeinJSON

/// `filter`: keeps only the payloads (or the items of an array inside each payload) that
/// meet the conditions.
///
/// ```yaml
/// filter:
///   where:                       # all must hold (match: any for at least one)
///     - { field: financial_status, equals: paid }
///     - { field: total_price, greater_than: 0 }
///   match: all
///   items: orders                # optional: filter this array inside each payload instead
/// ```
public struct FilterShape: ShapeKind {
    public init() {}
    public var type: String { "filter" }
    public var summary: String { "Keep only payloads or items that meet conditions." }

    public func prepare(_ settings: SettingsReader) -> (any ShapeExecutor)? {
        let conditions = settings.array("where", required: true).flatMap {
            Condition.readList($0, path: settings.childPath("where"), problems: settings.problems)
        }
        let match = settings.string("match", allowed: ["all", "any"]) ?? "all"
        let items = settings.fieldPath("items")
        settings.finish()
        guard settings.problems.isEmpty, let conditions else { return nil }
        return Executor(conditions: conditions, requireAll: match == "all", items: items)
    }

    struct Executor: ShapeExecutor {
        let conditions: [Condition]
        let requireAll: Bool
        let items: FieldPath?

        func keeps(_ document: JSON) -> Bool {
            requireAll ? conditions.allSatisfy { $0.holds(for: document) } : conditions.contains { $0.holds(for: document) }
        }

        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            var outputs: [Payload] = []
            var dropped = 0
            for (index, payload) in input.enumerated() {
                let document: JSON
                do { document = try payload.json() } catch { throw ShapeFailure("payload \(index): \(error)") }
                if let items {
                    guard case .array(let elements)? = items.value(in: document) else {
                        throw ShapeFailure("payload \(index): '\(items)' is not an array")
                    }
                    let kept = elements.filter(keeps)
                    dropped += elements.count - kept.count
                    var copy = document
                    items.set(.array(kept), in: &copy)
                    outputs.append(Payload(json: copy))
                } else if keeps(document) {
                    outputs.append(payload)
                } else {
                    dropped += 1
                }
            }
            return ShapeResult(outputs: outputs, warnings: [])
        }
    }
}
