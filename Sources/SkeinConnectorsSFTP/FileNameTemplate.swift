import SkeinCore
import SkeinJSON

/// The `filename:` of a send, with `{{name}}` placeholders filled per payload:
///
/// - `{{payload.field}}`: a field of a JSON payload (`order-{{payload.order_number}}.json`);
/// - `{{run_id}}`, `{{index}}` (1, 2, … within the step), `{{step}}`;
/// - any flow variable by name.
///
/// A substituted value may not contain `/` or be `.`/`..`, so a payload cannot steer a file
/// out of the step's directory.
struct FileNameTemplate: Sendable, Equatable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case variable(String)
    }

    struct SyntaxError: Error {
        let message: String
    }

    let text: String
    let segments: [Segment]

    init(_ text: String) throws(SyntaxError) {
        self.text = text
        guard !text.isEmpty else { throw SyntaxError(message: "must not be empty") }
        let pieces: [PlaceholderText.Piece]
        do { pieces = try PlaceholderText.split(text) } catch {
            throw SyntaxError(message: "'{{' without a closing '}}' in '\(text)'")
        }
        var segments: [Segment] = []
        for piece in pieces {
            switch piece {
            case .literal(let literal): segments.append(.literal(literal))
            case .placeholder(let inside):
                let name = String(inside).filter { !$0.isWhitespace }
                guard !name.isEmpty else { throw SyntaxError(message: "'{{}}' names no value in '\(text)'") }
                segments.append(.variable(name))
            }
        }
        if segments.contains(where: { if case .literal(let l) = $0 { l.contains("/") } else { false } }) {
            throw SyntaxError(message: "is a file name, not a path: put the directory in 'path'")
        }
        self.segments = segments
    }

    /// The file name for one payload; throws a message naming what is missing or unsafe.
    func render(payload: Payload, index: Int, context: ShapeContext) throws(ShapeFailure) -> String {
        var result = ""
        for segment in segments {
            switch segment {
            case .literal(let literal): result += literal
            case .variable(let name):
                guard let value = value(name, payload: payload, index: index, context: context) else {
                    throw ShapeFailure("filename '\(text)': no value for {{\(name)}} in payload \(index)")
                }
                guard !value.contains("/"), value != ".", value != "..", !value.isEmpty else {
                    throw ShapeFailure("filename '\(text)': {{\(name)}} of payload \(index) is '\(value)', which is not a safe file name part")
                }
                result += value
            }
        }
        return result
    }

    private func value(_ name: String, payload: Payload, index: Int, context: ShapeContext) -> String? {
        switch name {
        case "run_id": return String(context.runID)
        case "index": return String(index)
        case "step": return context.shapeID
        default: break
        }
        if name.hasPrefix("payload.") {
            guard let json = try? payload.json(), let path = try? FieldPath(String(name.dropFirst("payload.".count))),
                let value = path.value(in: json)
            else { return nil }
            return Self.text(value)
        }
        return context.variables[name].flatMap(Self.text)
    }

    private static func text(_ value: JSON) -> String? {
        switch value {
        case .string(let string): string
        case .null: nil
        default: value.serialized()
        }
    }
}
