import SkeinCore
import SkeinJSON

/// Where `{{name}}` finds its value, in order:
///
/// 1. `{{params.name}}`: a parameter of the connector endpoint the step calls (`endpoint:`),
///    with its default when the step does not give it;
/// 2. the instance's `variables` (`{{shop_id}}` belongs to the system, so it wins), which for a
///    connector instance include the connector's settings (`{{api_version}}`);
/// 3. the flow's variables;
/// 4. for `direction: send` only, `{{payload.field}}` reads a field of the payload being
///    sent, so `path: /orders/{{payload.id}}` updates each order at its own URL, and
///    `{{payload}}` is the whole payload.
struct VariableScope: Sendable {
    var instance: [String: String]
    var flow: [String: JSON]
    var payload: JSON?
    /// The endpoint's parameters, already checked and converted to their types.
    var params: [String: JSON] = [:]

    func value(_ name: String) -> String? {
        json(name).flatMap(VariableScope.text)
    }

    /// The value with its JSON type, for GraphQL variables written as a single placeholder
    /// (`first: "{{params.page_size}}"` sends the number 50, not the text "50").
    func json(_ name: String) -> JSON? {
        if name.hasPrefix("params.") {
            let value = params[String(name.dropFirst("params.".count))]
            return value == .null ? nil : value
        }
        if let value = instance[name] { return .string(value) }
        if let value = flow[name] { return value == .null ? nil : value }
        if name == "payload", let payload { return payload }
        if name.hasPrefix("payload."), let payload,
            let path = try? FieldPath(String(name.dropFirst("payload.".count))),
            let value = path.value(in: payload), value != .null
        {
            return value
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
