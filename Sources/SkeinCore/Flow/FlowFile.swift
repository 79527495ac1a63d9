public import SkeinJSON
import Yams

/// Turns the text of a flow file (YAML or JSON) into a validated `FlowDefinition`.
///
/// JSON is recognised by a leading `{`; anything else is read as YAML. Syntax errors say
/// the line and column; schema problems come back all at once with their paths.
///
/// Flow files come from builders, who are not trusted with the server's memory: YAML anchors
/// and aliases are refused, and documents may nest at most `maximumDepth` levels and hold at
/// most `maximumNodes` values — all checked on the parser's events before any tree is built
/// (`FlowYAMLScan`). Front ends refuse files over `maximumBytes` before reading them.
public enum FlowFile {
    /// The largest flow file accepted by `POST /api/v1/flows` and `skein flow deploy|validate` (1 MiB).
    public static let maximumBytes = 1024 * 1024
    /// The deepest nesting of mappings and sequences (JSON objects and arrays) in a flow file.
    public static let maximumDepth = 100
    /// The most values (scalars, mappings, sequences) a YAML flow file may hold.
    public static let maximumNodes = 100_000

    /// Parses the text into a JSON document (the common form of YAML and JSON flow files).
    public static func document(from text: String, source: String? = nil) throws(FlowValidationError) -> JSON {
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.first == "{" {
            do { return try JSON(parsing: text, maximumDepth: maximumDepth) } catch {
                throw FlowValidationError(source: source, problems: [FlowProblem(path: "", message: error.description)])
            }
        }
        do {
            try FlowYAMLScan.check(text)
        } catch {
            throw FlowValidationError(source: source, problems: error.problems)
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw FlowValidationError(source: source, problems: [FlowProblem(path: "", message: "the file is empty")])
            }
            return try json(from: node, path: "")
        } catch let error as FlowValidationError {
            throw FlowValidationError(source: source, problems: error.problems)
        } catch let error as YamlError {
            throw FlowValidationError(source: source, problems: [FlowProblem(path: "", message: "invalid YAML: \(describe(error))")])
        } catch {
            throw FlowValidationError(source: source, problems: [FlowProblem(path: "", message: "invalid YAML: \(error)")])
        }
    }

    /// Parses and validates a flow file.
    public static func decode(_ text: String, source: String? = nil, catalog: ShapeCatalog = ShapeCatalog()) throws(FlowValidationError) -> FlowDefinition {
        let document = try document(from: text, source: source)
        return try FlowDecoder(catalog: catalog).decode(document, source: source)
    }

    static func json(from node: Node, path: String) throws -> JSON {
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: return .bool(Bool.construct(from: scalar) ?? false)
            case .int:
                if let int = Int.construct(from: scalar) { return .number(Double(int)) }
                return .string(scalar.string)
            case .float:
                if let double = Double.construct(from: scalar) { return .number(double) }
                return .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            var elements: [JSON] = []
            for (index, element) in sequence.enumerated() {
                elements.append(try json(from: element, path: "\(path)[\(index)]"))
            }
            return .array(elements)
        case .mapping(let mapping):
            var members = JSON.Object()
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw FlowValidationError(problems: [FlowProblem(path: path, message: "mapping keys must be plain text")])
                }
                let childPath = path.isEmpty ? keyScalar.string : "\(path).\(keyScalar.string)"
                if members[keyScalar.string] != nil {
                    throw FlowValidationError(problems: [FlowProblem(path: childPath, message: "duplicate key '\(keyScalar.string)'")])
                }
                members[keyScalar.string] = try json(from: value, path: childPath)
            }
            return .object(members)
        case .alias:
            throw FlowValidationError(problems: [FlowProblem(path: path, message: "YAML aliases are not supported")])
        }
    }

    static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            return "line \(mark.line), column \(mark.column): \(problem)\(context.map { " \($0.text)" } ?? "")"
        default:
            return "\(error)"
        }
    }
}
