import SkeinCore
import SkeinJSON

/// A JSON value whose strings may hold `{{placeholders}}`: GraphQL `variables:`.
///
/// A string that is exactly one placeholder takes the value's own JSON type, so
/// `first: "{{params.page_size}}"` sends `50`, `input: "{{payload}}"` sends the payload object
/// and `id: "{{payload.order_id}}"` sends whatever type the payload holds. Any other string is
/// rendered as text. A member whose single placeholder names an endpoint parameter that was
/// not given (and has no default) is left out, so optional GraphQL arguments stay unset.
struct JSONTemplate: Sendable {
    let value: JSON

    /// Checks every string's placeholders; returns the problem with its path below `path`.
    static func check(_ value: JSON, path: String, problems: ProblemList) {
        switch value {
        case .string(let text):
            do { _ = try Template(text) } catch { problems.add(path, error.message) }
        case .array(let elements):
            for (index, element) in elements.enumerated() { check(element, path: "\(path)[\(index)]", problems: problems) }
        case .object(let members):
            for (key, member) in members { check(member, path: path.isEmpty ? key : "\(path).\(key)", problems: problems) }
        default:
            break
        }
    }

    /// The names the strings refer to.
    var variableNames: [String] {
        var names: [String] = []
        func walk(_ value: JSON) {
            switch value {
            case .string(let text): names += (try? Template(text))?.variableNames ?? []
            case .array(let elements): elements.forEach(walk)
            case .object(let members): members.values.forEach(walk)
            default: break
            }
        }
        walk(value)
        return names
    }

    /// The value with every placeholder filled from `scope`.
    func render(_ scope: VariableScope, setting: String) throws(ShapeFailure) -> JSON {
        try Self.render(value, scope: scope, setting: setting) ?? .null
    }

    private static func render(_ value: JSON, scope: VariableScope, setting: String) throws(ShapeFailure) -> JSON? {
        switch value {
        case .string(let text):
            guard let template = try? Template(text) else { return value }
            if template.segments.count == 1, case .variable(let name) = template.segments[0] {
                if let typed = scope.json(name) { return typed }
                if name.hasPrefix("params.") { return nil }
                throw missing(name, setting: setting)
            }
            do { return .string(try template.render(lookup: scope.value)) } catch {
                if error.name.hasPrefix("params.") { return nil }
                throw missing(error.name, setting: setting)
            }
        case .array(let elements):
            var rendered: [JSON] = []
            for element in elements { rendered.append(try render(element, scope: scope, setting: setting) ?? .null) }
            return .array(rendered)
        case .object(let members):
            var rendered = JSON.Object()
            for (key, member) in members {
                if let value = try render(member, scope: scope, setting: "\(setting).\(key)") { rendered[key] = value }
            }
            return .object(rendered)
        default:
            return value
        }
    }

    private static func missing(_ name: String, setting: String) -> ShapeFailure {
        let hint = name.hasPrefix("payload") ? "the payload has no such field" : "it is neither an instance nor a flow variable"
        return ShapeFailure("\(setting) uses {{\(name)}}, but \(hint)")
    }
}
