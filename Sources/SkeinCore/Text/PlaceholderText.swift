/// Splits text written with `{{…}}` placeholders into its literal runs and the text inside each
/// placeholder — the one reading of that syntax shared by the HTTP connector's templates, the
/// SFTP file names and the notify shape's Mustache-style messages. What a placeholder may name,
/// and how it is looked up, stays with each of them.
public enum PlaceholderText {
    public enum Piece: Sendable, Equatable {
        case literal(String)
        /// The text between `{{` and `}}`, as written (callers trim or check it).
        case placeholder(Substring)
    }

    /// A `{{` with no `}}` after it.
    public struct Unclosed: Error, Sendable {}

    public static func split(_ text: String) throws(Unclosed) -> [Piece] {
        var pieces: [Piece] = []
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { pieces.append(.literal(String(rest[..<open.lowerBound]))) }
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else { throw Unclosed() }
            pieces.append(.placeholder(afterOpen[..<close.lowerBound]))
            rest = afterOpen[close.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.literal(String(rest))) }
        return pieces
    }
}
