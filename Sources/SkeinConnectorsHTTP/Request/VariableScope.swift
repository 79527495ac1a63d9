import SkeinCore
import SkeinJSON

/// Where `{{name}}` finds its value, in order:
///
/// 1. the instance's `variables` (`{{shop_id}}` belongs to the system, so it wins);
/// 2. the flow's variables;
/// 3. for `direction: send` only, `{{payload.field}}` reads a field of the payload being
///    sent, so `path: /orders/{{payload.id}}` updates each order at its own URL.
struct VariableScope: Sendable {
    var instance: [String: String]
    var flow: [String: JSON]
    var payload: JSON?

    func value(_ name: String) -> String? {
        if let value = instance[name] { return value }
        if let value = flow[name] { return VariableScope.text(value) }
        if name.hasPrefix("payload."), let payload,
           let path = try? FieldPath(String(name.dropFirst("payload.".count))),
           let value = path.value(in: payload) {
            return VariableScope.text(value)
        }
        return nil
    }

    /// A JSON value as it reads in a URL or header: strings bare, numbers as JavaScript
    /// prints them, anything structured as compact JSON.
    static func text(_ value: JSON) -> String? {
        switch value {
        case .string(let string): string
        case .null: nil
        default: value.serialized()
        }
    }
}
