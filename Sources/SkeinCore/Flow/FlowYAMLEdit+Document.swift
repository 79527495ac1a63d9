import SkeinJSON

/// The three edits every canvas change is made of — set a value, remove a value, insert a list
/// element — done on a YAML flow file's text in place: only the span of the value (or entry)
/// concerned changes; comments, blank lines, quoting and key order elsewhere stay as written.
///
/// New text follows the style around it: block lines indented like their neighbours in a block
/// collection, `{ … }`/`[ … ]` inside a flow collection. A value replaced keeps its style when it
/// was a non-empty `{ … }`/`[ … ]`; an empty one (`catch: []`) becomes block lines.
extension FlowYAMLEdit {
    /// Sets the value at `path`, replacing what is there or adding the key (and any missing
    /// mappings on the way) to the deepest mapping that exists.
    static func setting(_ text: String, _ path: DocumentPath, to value: JSON) throws(FlowValidationError) -> String {
        let outline = try outline(text)
        if let (node, ancestors) = outline.node(at: path) {
            return replacing(node, parent: ancestors.last, in: outline, with: value)
        }
        // The deepest existing node on the path; the rest becomes one nested value under it.
        var existing = path
        while !existing.steps.isEmpty, outline.node(at: existing) == nil { existing = existing.parent }
        var nested = value
        for step in path.steps[(existing.steps.count + 1)...].reversed() {
            guard case .key(let key) = step else { throw problem(path, "there is no list element to set at \(path)") }
            nested = .object([key: nested])
        }
        guard case .key(let key) = path.steps[existing.steps.count], let (node, ancestors) = outline.node(at: existing) else {
            throw problem(path, "there is no list element to set at \(path)")
        }
        switch node {
        case .mapping(let pairs, let span, let flow):
            return inserting(key: key, value: nested, into: pairs, span: span, flow: flow, outline: outline)
        case .scalar:  // `key:` with nothing (null) or a scalar where a mapping is meant: replaced
            return replacing(node, parent: ancestors.last, in: outline, with: .object([key: nested]))
        case .sequence:
            throw problem(path, "\(existing) is a list, not an object")
        }
    }

    /// Removes the value at `path`: a mapping's key with its value, or a list's element. A
    /// collection's only member is removed by writing the collection empty (`{}`/`[]`).
    static func removing(_ text: String, _ path: DocumentPath) throws(FlowValidationError) -> String {
        let outline = try outline(text)
        guard let (node, ancestors) = outline.node(at: path), let parent = ancestors.last else {
            throw problem(path, "there is nothing at \(path) to remove")
        }
        let lines = outline.lines
        switch (parent, path.last) {
        case (.mapping(let pairs, _, let flow), .key(let key)?):
            guard let index = pairs.firstIndex(where: { $0.key.scalarText == key }) else { throw problem(path, "there is nothing at \(path) to remove") }
            if pairs.count == 1 { return try setting(text, path.parent, to: .object([:])) }
            let start = pairs[index].key.span.start
            if flow {
                let range = index + 1 < pairs.count ? start..<pairs[index + 1].key.span.start : pairs[index - 1].value.span.end..<node.span.end
                return lines.replacing(range, with: "")
            }
            if lines.startsItsLine(start) { return lines.replacing(lines.startOfLine(start)..<lines.afterLineBreak(node.span.end), with: "") }
            guard index + 1 < pairs.count else { throw problem(path, "cannot remove \(path) in place") }
            return lines.replacing(start..<pairs[index + 1].key.span.start, with: "")
        case (.sequence(let elements, _, let flow), .index(let index)?):
            if elements.count == 1 { return try setting(text, path.parent, to: .array([])) }
            if flow {
                let range = index + 1 < elements.count ? node.span.start..<elements[index + 1].span.start : elements[index - 1].span.end..<node.span.end
                return lines.replacing(range, with: "")
            }
            let dash = lines.dash(before: node.span.start)
            if lines.startsItsLine(dash) { return lines.replacing(lines.startOfLine(dash)..<lines.afterLineBreak(node.span.end), with: "") }
            guard index + 1 < elements.count else { throw problem(path, "cannot remove \(path) in place") }
            return lines.replacing(dash..<lines.dash(before: elements[index + 1].span.start), with: "")
        default:
            throw problem(path, "there is nothing at \(path) to remove")
        }
    }

    /// Inserts `value` into the list at `listPath` so that it becomes element `index`; a missing
    /// or empty list becomes `[value]`.
    static func inserting(_ text: String, _ value: JSON, into listPath: DocumentPath, at index: Int) throws(FlowValidationError) -> String {
        let outline = try outline(text)
        guard let (node, _) = outline.node(at: listPath), case .sequence(let elements, _, let flow) = node, !elements.isEmpty else {
            return try setting(text, listPath, to: .array([value]))
        }
        let lines = outline.lines
        let index = min(max(index, 0), elements.count)
        if flow {
            if index < elements.count {
                return lines.replacing(elements[index].span.start..<elements[index].span.start, with: YAMLRendering.flow(value) + ", ")
            }
            let end = elements[index - 1].span.end
            return lines.replacing(end..<end, with: ", " + YAMLRendering.flow(value))
        }
        let dash = lines.dash(before: elements[0].span.start)
        let column = dash - lines.startOfLine(dash)
        let entry = String(repeating: " ", count: column) + "- " + YAMLRendering.block(value, indent: column + 2)
        if index == 0 {
            let start = lines.startOfLine(dash)
            return lines.replacing(start..<start, with: entry + "\n")
        }
        // After the previous entry's last line: comments above the next entry stay with it.
        let end = lines.endOfLine(containing: elements[index - 1].span.end)
        return lines.replacing(end..<end, with: "\n" + entry)
    }

    // MARK: - Helpers

    static func outline(_ text: String) throws(FlowValidationError) -> YAMLOutline {
        _ = try FlowFile.document(from: text)  // the same checks (size, anchors, depth) as every read
        guard let outline = YAMLOutline(text) else {
            throw FlowValidationError(problems: [FlowProblem(path: "", message: "invalid YAML")])
        }
        return outline
    }

    static func problem(_ path: DocumentPath, _ message: String) -> FlowValidationError {
        FlowValidationError(problems: [FlowProblem(path: path.description, message: message)])
    }

    /// Writes `value` over `node`. Under a block mapping's key, a block collection (or an empty
    /// value) is rewritten from the key's colon, so the new value can start on its own lines; a
    /// non-empty `{ … }`/`[ … ]` stays in flow style.
    static func replacing(_ node: YAMLOutline.Node, parent: YAMLOutline.Node?, in outline: YAMLOutline, with value: JSON) -> String {
        let lines = outline.lines
        let span = node.span
        let keepsFlow = node.isFlowCollection && !node.isEmptyCollection
        if !keepsFlow, case .mapping(let pairs, _, false)? = parent, let pair = pairs.first(where: { $0.value.span.start == span.start }),
            node.isBlockCollection || YAMLRendering.isBlock(value) || span.start == span.end
        {
            let keyEnd = pair.key.span.end
            let end = span.start == span.end ? lines.colon(after: keyEnd) : span.end  // `key:` with nothing after it
            let indent = pair.key.span.column + 2
            let written =
                YAMLRendering.isBlock(value)
                ? ":\n" + String(repeating: " ", count: indent) + YAMLRendering.block(value, indent: indent)
                : ": " + YAMLRendering.flow(value)
            return lines.replacing(keyEnd..<end, with: written)
        }
        var inBlockSequence = false
        if case .sequence(_, _, false)? = parent { inBlockSequence = true }
        if node.isBlockCollection || (!keepsFlow && inBlockSequence && YAMLRendering.isBlock(value)) {
            return lines.replacing(span.start..<span.end, with: YAMLRendering.block(value, indent: span.column))
        }
        return lines.replacing(span.start..<span.end, with: YAMLRendering.flow(value))
    }

    /// `key: value` added as the mapping's last member.
    static func inserting(
        key: String, value: JSON, into pairs: [(key: YAMLOutline.Node, value: YAMLOutline.Node)],
        span: YAMLOutline.Span, flow: Bool, outline: YAMLOutline
    ) -> String {
        let lines = outline.lines
        let keyText = YAMLRendering.string(key)
        if flow {
            guard let last = pairs.last else { return lines.replacing(span.start..<span.end, with: "{ \(keyText): \(YAMLRendering.flow(value)) }") }
            return lines.replacing(last.value.span.end..<last.value.span.end, with: ", \(keyText): \(YAMLRendering.flow(value))")
        }
        let column = pairs.first?.key.span.column ?? span.column
        let pad = String(repeating: " ", count: column)
        let member =
            YAMLRendering.isBlock(value)
            ? "\(keyText):\n\(pad)  " + YAMLRendering.block(value, indent: column + 2)
            : "\(keyText): \(YAMLRendering.flow(value))"
        let end = lines.endOfLine(containing: pairs.last?.value.span.end ?? span.end)
        return lines.replacing(end..<end, with: "\n" + pad + member)
    }
}

extension TextLines {
    /// The offset at which the line holding `offset` starts.
    func startOfLine(_ offset: Int) -> Int {
        var index = min(offset, scalars.count)
        while index > 0 && scalars[index - 1] != "\n" { index -= 1 }
        return index
    }

    /// Only spaces stand between the line's start and `offset`.
    func startsItsLine(_ offset: Int) -> Bool {
        scalars[startOfLine(offset)..<offset].allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// Just past the line break ending the line that holds `offset` (or the end of the text).
    func afterLineBreak(_ offset: Int) -> Int {
        var end = endOfLine(containing: offset)
        if end < scalars.count && scalars[end] == "\r" { end += 1 }
        if end < scalars.count && scalars[end] == "\n" { end += 1 }
        return end
    }

    /// The `-` that introduces a block sequence entry starting at `offset`.
    func dash(before offset: Int) -> Int {
        var index = offset - 1
        while index > 0 && (scalars[index] == " " || scalars[index] == "\t") { index -= 1 }
        return index >= 0 && scalars[index] == "-" ? index : offset
    }

    /// Just past the `:` that follows a key ending at `offset`.
    func colon(after offset: Int) -> Int {
        var index = offset
        while index < scalars.count && scalars[index] != ":" { index += 1 }
        return min(index + 1, scalars.count)
    }
}
