import Yams

/// Edits a YAML flow file's text in place — only the characters the edit is about change, so
/// comments, blank lines, quoting and key order everywhere else survive (a deploy stores the
/// text verbatim, and people review flows as text).
///
/// Positions come from the parser (libyaml's marks, as composed by Yams): the shape is found by
/// its id anywhere in the tree, then one scalar is replaced or one `key: value` inserted next
/// to the shape's `id`, in the style the entry is written in (block or `{ … }` flow style).
public enum FlowYAMLEdit {
    /// Sets `skip` on the shape with `shapeID`: an existing `skip:` value is replaced, otherwise
    /// `skip: true` is inserted after the `id`. Turning skip off where it is not set changes nothing.
    public static func settingSkip(_ text: String, _ skip: Bool, onShape shapeID: String) throws(FlowValidationError) -> String {
        _ = try FlowFile.document(from: text)  // the same checks (size, anchors, depth) as every read
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw FlowValidationError(problems: [FlowProblem(path: "", message: "invalid YAML: \(error)")])
        }
        guard let root, let shape = findShape(shapeID, in: root) else {
            throw FlowValidationError(problems: [FlowProblem(path: "shapes", message: "the flow has no shape '\(shapeID)'")])
        }
        let lines = TextLines(text)
        if let value = shape["skip"], case .scalar(let scalar) = value, let mark = scalar.mark {
            let start = lines.offset(of: mark)
            let length = lines.scalarLength(at: start, plain: scalar.string)
            return lines.replacing(start..<start + length, with: skip ? "true" : "false")
        }
        guard skip else { return text }
        guard let idKey = shape.keys.first(where: { $0.string == "id" }), let keyMark = idKey.mark,
            case .scalar(let idValue)? = shape["id"], let valueMark = idValue.mark
        else {
            throw FlowValidationError(problems: [FlowProblem(path: "shapes", message: "shape '\(shapeID)' has no id key to place skip next to")])
        }
        // A `{ … }` entry starts at its brace (the composed style is not reliable across Yams versions).
        if let mark = shape.mark, lines.scalar(at: lines.offset(of: mark)) == "{" {
            let start = lines.offset(of: valueMark)
            let end = start + lines.scalarLength(at: start, plain: idValue.string)
            return lines.replacing(end..<end, with: ", skip: true")
        }
        let lineEnd = lines.endOfLine(containing: lines.offset(of: valueMark))
        let indent = String(repeating: " ", count: keyMark.column - 1)
        return lines.replacing(lineEnd..<lineEnd, with: "\n\(indent)skip: true")
    }

    /// The keys under which the tree goes on: shape lists and the structures holding them.
    static let treeKeys: Set<String> = ["shapes", "otherwise", "catch", "branches", "route", "branch", "try"]

    /// The mapping of the shape entry with `id`, anywhere in the tree (ids are unique per flow).
    static func findShape(_ id: String, in node: Node) -> Node.Mapping? {
        switch node {
        case .mapping(let mapping):
            // Only where shapes can be: a shape's settings (a payload's data, a map's fields) may hold
            // lists of objects with ids of their own.
            for (key, value) in mapping where treeKeys.contains(key.string ?? "") {
                if let found = findShape(id, in: value) { return found }
            }
            return nil
        case .sequence(let sequence):
            for element in sequence {
                if case .mapping(let mapping) = element, mapping["id"]?.string == id { return mapping }
                if let found = findShape(id, in: element) { return found }
            }
            return nil
        default:
            return nil
        }
    }
}

/// A text addressed by libyaml's marks (1-based lines, columns in Unicode scalars).
struct TextLines {
    let scalars: [Unicode.Scalar]
    /// The scalar offset at which each line starts.
    let starts: [Int]

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
        var starts = [0]
        for (index, scalar) in scalars.enumerated() where scalar == "\n" { starts.append(index + 1) }
        self.starts = starts
    }

    func scalar(at offset: Int) -> Unicode.Scalar? { offset < scalars.count ? scalars[offset] : nil }

    func offset(of mark: Mark) -> Int { min(starts[min(mark.line - 1, starts.count - 1)] + mark.column - 1, scalars.count) }

    /// How many scalars the scalar written at `start` takes: a quoted one up to its closing
    /// quote, a plain one its own text.
    func scalarLength(at start: Int, plain: String) -> Int {
        guard start < scalars.count, scalars[start] == "'" || scalars[start] == "\"" else { return plain.unicodeScalars.count }
        let quote = scalars[start]
        var index = start + 1
        while index < scalars.count {
            if scalars[index] == "\\" && quote == "\"" { index += 2; continue }
            if scalars[index] == quote {
                if quote == "'" && index + 1 < scalars.count && scalars[index + 1] == "'" { index += 2; continue }
                return index - start + 1
            }
            index += 1
        }
        return scalars.count - start
    }

    /// The offset of the line break ending the line that holds `offset` (or the end of the text).
    func endOfLine(containing offset: Int) -> Int {
        var index = offset
        while index < scalars.count && scalars[index] != "\n" && scalars[index] != "\r" { index += 1 }
        return index
    }

    func replacing(_ range: Range<Int>, with replacement: String) -> String {
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[..<range.lowerBound])
        result.append(contentsOf: replacement.unicodeScalars)
        result.append(contentsOf: scalars[range.upperBound...])
        return String(result)
    }
}
