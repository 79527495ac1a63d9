extension JSONataError {
    /// The line of `expression` holding this error's position (JSONata's UTF-16 offset of the
    /// end of the offending token) with a `^` under that character, indented by `indent` (two spaces unless told);
    /// nil when the error has no position. `skein expr` and the web playground show it.
    public func caret(in expression: String, indent: String = "  ") -> String? {
        guard let position else { return nil }
        let utf16 = expression.utf16
        let offset = min(max(position - 1, 0), utf16.count)
        let target = String.Index(utf16Offset: offset, in: expression)
        let lineStart = expression[..<target].lastIndex(of: "\n").map { expression.index(after: $0) } ?? expression.startIndex
        let lineEnd = expression[target...].firstIndex(of: "\n") ?? expression.endIndex
        let padding = expression[lineStart..<target].map { $0 == "\t" ? "\t" : " " }.joined()
        return indent + expression[lineStart..<lineEnd] + "\n" + indent + padding + "^"
    }
}
