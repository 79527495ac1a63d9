public import JSONata
public import SkeinCore
import SkeinJSON

/// Picks items out of stored payloads for a replay: one element by position, or the elements
/// a JSONata condition holds for (`id = 1003`, `total_price > 50`).
///
/// An array payload is narrowed to the chosen elements and stays an array, so the step it is
/// fed to sees the same shape of data as before. With a condition, a payload that is not an
/// array (say one order after a `split`) is kept or dropped as a whole.
public enum ItemSelection: Sendable {
    case position(Int)
    case matching(JSONataExpression)

    /// Compiles a condition; its result is read the way JSONata's `$boolean` reads a value.
    public static func condition(_ source: String) throws -> ItemSelection {
        do {
            return .matching(try JSONataExpression(compiling: "$boolean((\n\(source)\n))"))
        } catch {
            throw RecoveryError("--where '\(source)' is not a valid JSONata expression: \(error)")
        }
    }

    /// The payloads narrowed to the selected items; throws when nothing is selected.
    public func apply(to payloads: [Payload]) throws -> [Payload] {
        var selected: [Payload] = []
        for (index, payload) in payloads.enumerated() {
            let document: JSON
            do { document = try payload.json() } catch {
                throw RecoveryError("payload \(index) is \(payload.contentType), not JSON, so items cannot be picked from it")
            }
            switch (self, document) {
            case (.position(let position), .array(let items)):
                guard position >= 0, position < items.count else {
                    throw RecoveryError("payload \(index) has \(items.count) item\(items.count == 1 ? "" : "s"); there is no item \(position)")
                }
                selected.append(Payload(json: .array([items[position]])))
            case (.position, _):
                throw RecoveryError("payload \(index) is not an array, so --item cannot pick from it; use --index to choose a payload")
            case (.matching(let condition), .array(let items)):
                let kept = try items.filter { try holds(condition, $0) }
                if !kept.isEmpty { selected.append(Payload(json: .array(kept))) }
            case (.matching(let condition), _):
                if try holds(condition, document) { selected.append(payload) }
            }
        }
        guard !selected.isEmpty else { throw RecoveryError("no item matched, so there is nothing to replay") }
        return selected
    }

    private func holds(_ condition: JSONataExpression, _ item: JSON) throws -> Bool {
        do { return try condition.evaluate(input: item) == .bool(true) } catch {
            throw RecoveryError("--where failed on an item: \(error)")
        }
    }
}

/// Why a replay or retry cannot start, said for the person who asked for it.
public struct RecoveryError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
