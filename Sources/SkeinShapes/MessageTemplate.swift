import SkeinCore
import SkeinJSON

/// The text of a notification (subject, body, URL), written either Mustache-style or as JSONata.
///
/// - `template: mustache` (default): literal text with `{{field.path}}` placeholders read from the
///   payload (`{{customer.email}}`, `{{line_items[0].sku}}`), `{{vars.name}}` for a flow variable
///   and `{{.}}` for the whole payload as JSON. Strings appear bare, other values as compact JSON,
///   and a field the payload lacks as nothing.
/// - `template: jsonata`: the text is a JSONata expression over the payload (`$name` / `$vars` for
///   variables); a result that is not a string is written as compact JSON.
enum MessageTemplate: Sendable {
    enum Segment: Sendable {
        case literal(String)
        case field(FieldPath?)
        case variable(String)
    }

    case mustache([Segment])
    case jsonata(ShapeExpression)

    static func compile(_ text: String, jsonata: Bool, settings: ValidSettings, key: String, setting: String) -> MessageTemplate? {
        if jsonata {
            return ShapeExpression.compile(text, path: settings.childPath(key), setting: setting, problems: settings.problems).map(MessageTemplate.jsonata)
        }
        guard let pieces = try? PlaceholderText.split(text) else {
            settings.report(key, "'{{' without a closing '}}'")
            return nil
        }
        var segments: [Segment] = []
        for piece in pieces {
            guard case .placeholder(let inside) = piece else {
                if case .literal(let literal) = piece { segments.append(.literal(literal)) }
                continue
            }
            let name = inside.trimmingCharacters(in: .whitespaces)
            if name == "." {
                segments.append(.field(nil))
            } else if name.hasPrefix("vars.") {
                segments.append(.variable(String(name.dropFirst(5))))
            } else {
                do { segments.append(.field(try FieldPath(name))) } catch {
                    settings.report(key, "'{{\(name)}}': \(error.message)")
                    return nil
                }
            }
        }
        return .mustache(segments)
    }

    func render(_ document: JSON, payloadIndex: Int, context: ShapeContext) throws(ShapeFailure) -> String {
        switch self {
        case .jsonata(let expression):
            return MessageTemplate.text(try expression.evaluate(document, payloadIndex: payloadIndex, limits: .default, context: context))
        case .mustache(let segments):
            var result = ""
            for segment in segments {
                switch segment {
                case .literal(let text): result += text
                case .field(nil): result += document.serialized()
                case .field(let path?): result += MessageTemplate.text(path.value(in: document))
                case .variable(let name): result += MessageTemplate.text(context.variables[name])
                }
            }
            return result
        }
    }

    static func text(_ value: JSON?) -> String {
        switch value {
        case nil, .null?: ""
        case .string(let string)?: string
        case let other?: other.serialized()
        }
    }
}
