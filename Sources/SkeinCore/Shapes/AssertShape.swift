import SkeinJSON

/// `assert`: fails the step unless every payload meets the conditions (or equals an expected
/// document). Use it to stop a run before bad data reaches a system.
///
/// ```yaml
/// assert:
///   that:
///     - { field: lines, exists: true }
///     - { field: currency, one_of: [GBP, EUR] }
///   # or: equals: { status: ok }
/// ```
public struct AssertShape: ShapeKind {
    public init() {}
    public var type: String { "assert" }
    public var summary: String { "Fail the run unless every payload meets conditions." }

    public func prepare(_ settings: SettingsReader) -> (any ShapeExecutor)? {
        let conditions = settings.array("that").flatMap {
            Condition.readList($0, path: settings.childPath("that"), problems: settings.problems)
        }
        let expected = settings.raw("equals")
        let hasEquals = settings.has("equals")
        settings.finish()
        if conditions == nil && !hasEquals && settings.problems.isEmpty {
            settings.report("that", "give conditions in that: or an expected document in equals:")
        }
        guard settings.problems.isEmpty else { return nil }
        return Executor(conditions: conditions ?? [], expected: hasEquals ? (expected ?? .null) : nil)
    }

    struct Executor: ShapeExecutor {
        let conditions: [Condition]
        let expected: JSON?

        func execute(_ input: [Payload], context: ShapeContext) async throws -> ShapeResult {
            for (index, payload) in input.enumerated() {
                let document: JSON
                do { document = try payload.json() } catch { throw ShapeFailure("payload \(index): \(error)") }
                if let expected, document != expected {
                    throw ShapeFailure("assertion failed on payload \(index): it does not equal the expected document",
                                       details: ["expected": expected, "actual": document])
                }
                for condition in conditions where !condition.holds(for: document) {
                    let actual = condition.field.value(in: document)
                    throw ShapeFailure(
                        "assertion failed on payload \(index): expected \(condition.summary), found \(actual?.serialized() ?? "nothing")",
                        details: ["payload_index": .number(Double(index)), "condition": .string(condition.summary)])
                }
            }
            return ShapeResult(outputs: input)
        }
    }
}
