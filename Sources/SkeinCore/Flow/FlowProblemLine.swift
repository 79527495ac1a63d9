import Yams

/// The line of a flow file's text a problem is about, so an editor can mark it there.
///
/// Problems carry a path (`shapes[3].map.fields.total`), not a position: validation works on
/// the parsed document. This finds the path again in the text's YAML tree (JSON is YAML, so a
/// JSON flow is read the same way) and answers the line of the deepest part of the path that
/// exists — the key itself when it is there, else the nearest mapping or list holding it (a
/// missing required field is marked on its shape). Problems found while reading the text
/// already name their line in the message (`line 4, column 3: ...`); that line is used.
///
/// Keys may contain dots (`customer.email` as a map field), so at each mapping the longest key
/// that the rest of the path starts with wins. Texts refused by `FlowYAMLScan` (aliases, too
/// deep, too many nodes) are never composed; their problems carry their line in the message.
public enum FlowProblemLine {
    /// 1-based line numbers of `problems` in `text`, in order (nil: not locatable, e.g. the
    /// text is not YAML at all and the message names no line).
    public static func lines(of problems: [FlowProblem], in text: String) -> [Int?] {
        var root: Node?
        var composed = false
        return problems.map { problem in
            if let line = lineInMessage(problem.message) { return line }
            if !composed {
                composed = true
                root = tree(text)
            }
            guard let root else { return nil }
            return line(of: problem.path, in: root)
        }
    }

    /// `line N` at the start of a message, after an optional `invalid YAML: `.
    static func lineInMessage(_ message: String) -> Int? {
        var rest = Substring(message)
        if rest.hasPrefix("invalid YAML: ") { rest = rest.dropFirst("invalid YAML: ".count) }
        guard rest.hasPrefix("line ") else { return nil }
        let digits = rest.dropFirst(5).prefix { $0.isNumber }
        return Int(digits).flatMap { $0 >= 1 ? $0 : nil }
    }

    static func tree(_ text: String) -> Node? {
        do { try FlowYAMLScan.check(text) } catch { return nil }
        return (try? Yams.compose(yaml: text)) ?? nil
    }

    /// The line of the deepest node along `path` (the document's first line for the empty path).
    static func line(of path: String, in root: Node) -> Int? {
        var node = root
        var line = root.mark?.line
        var rest = Substring(path)
        while !rest.isEmpty {
            if rest.hasPrefix(".") { rest = rest.dropFirst() }
            if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]"), let index = Int(rest[rest.index(after: rest.startIndex)..<close]),
                    let sequence = node.sequence, index >= 0, index < sequence.count
                else { break }
                node = sequence[index]
                line = node.mark?.line ?? line
                rest = rest[rest.index(after: close)...]
                continue
            }
            guard let mapping = node.mapping else { break }
            var best: (key: Node, value: Node, length: Int)?
            for (key, value) in mapping {
                guard let name = key.scalar?.string, !name.isEmpty, rest.hasPrefix(name) else { continue }
                let after = rest.dropFirst(name.count)
                guard after.isEmpty || after.hasPrefix(".") || after.hasPrefix("[") else { continue }
                if name.count > best?.length ?? 0 { best = (key, value, name.count) }
            }
            guard let best else { break }
            line = best.key.mark?.line ?? line
            node = best.value
            rest = rest.dropFirst(best.length)
        }
        return line
    }
}
