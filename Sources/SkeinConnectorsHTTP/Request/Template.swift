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

    init(_ text: String) throws(SyntaxError) {
        description = text
        var segments: [Segment] = []
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { segments.append(.literal(String(rest[..<open.lowerBound]))) }
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else {
                throw SyntaxError(message: "'{{' without a closing '}}' in '\(text)'")
            }
            let name = String(afterOpen[..<close.lowerBound]).trimmingWhitespace()
            guard !name.isEmpty, name.allSatisfy(Template.isNameCharacter) else {
                throw SyntaxError(message: "'{{\(afterOpen[..<close.lowerBound])}}' is not a variable name (letters, digits, _ - .)")
            }
            segments.append(.variable(name))
            rest = afterOpen[close.upperBound...]
        }
        if !rest.isEmpty { segments.append(.literal(String(rest))) }
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
