import SkeinCore

/// Text with `{{name}}` placeholders, as written in a flow file's `path`, `query` and `headers`.
///
/// A template is parsed once, when the flow is read, so a stray `{{` is reported by
/// `skein flow validate` rather than at three in the morning. Rendering looks each name up
/// through a closure (instance variables first, then flow variables, see `VariableScope`)
/// and lets the caller escape the substituted values, never the literal text around them:
/// `/orders?status={{status}}` keeps its `?`, while a status of `a&b` becomes `a%26b`.
struct Template: Sendable, Equatable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case variable(String)
    }

    let segments: [Segment]
    let description: String

    /// Why a template could not be parsed.
    struct SyntaxError: Error, Equatable {
        let message: String
    }

    /// The empty template (a path that adds nothing to the instance address).
    static let empty = Template(segments: [], description: "")

    private init(segments: [Segment], description: String) {
        self.segments = segments
        self.description = description
    }

    init(_ text: String) throws(SyntaxError) {
        description = text
        let pieces: [PlaceholderText.Piece]
        do { pieces = try PlaceholderText.split(text) } catch {
            throw SyntaxError(message: "'{{' without a closing '}}' in '\(text)'")
        }
        var segments: [Segment] = []
        for piece in pieces {
            switch piece {
            case .literal(let literal): segments.append(.literal(literal))
            case .placeholder(let inside):
                let name = String(inside).trimmingWhitespace()
                guard !name.isEmpty, name.allSatisfy(Template.isNameCharacter) else {
                    throw SyntaxError(message: "'{{\(inside)}}' is not a variable name (letters, digits, _ - .)")
                }
                segments.append(.variable(name))
            }
        }
        self.segments = segments
    }

    /// The names this template refers to, in order.
    var variableNames: [String] {
        segments.compactMap { if case .variable(let name) = $0 { name } else { nil } }
    }

    /// Substitutes every placeholder; throws the first name `lookup` does not know.
    func render(escaping escape: (String) -> String = { $0 }, lookup: (String) -> String?) throws(MissingVariable) -> String {
        var result = ""
        for segment in segments {
            switch segment {
            case .literal(let text): result += text
            case .variable(let name):
                guard let value = lookup(name) else { throw MissingVariable(name: name) }
                result += escape(value)
            }
        }
        return result
    }

    struct MissingVariable: Error, Equatable {
        let name: String
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "-" || character == "."
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = self[...]
        while slice.first?.isWhitespace == true { slice.removeFirst() }
        while slice.last?.isWhitespace == true { slice.removeLast() }
        return String(slice)
    }
}
