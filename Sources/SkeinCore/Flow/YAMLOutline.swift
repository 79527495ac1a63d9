// libyaml's event parser, as vendored by Yams: the composed `Node`s carry where a node starts
// but not where it ends, and an edit in place needs both.
import CYaml

/// A YAML document as a tree of nodes with the text span of each, for editing the text in place
/// (`FlowYAMLEdit`). Offsets count Unicode scalars from the start of the text, as `TextLines` does.
///
/// A node's span ends after its last character: a scalar after its text (or closing quote), a
/// `{ … }`/`[ … ]` collection after its bracket, a block collection after its last child — so
/// trailing comments and blank lines are never part of a node.
///
/// Only read texts `FlowFile.document(from:)` accepted (no anchors or aliases, limited depth).
struct YAMLOutline {
    indirect enum Node {
        case scalar(String, Span)
        case mapping([(key: Node, value: Node)], Span, flow: Bool)
        case sequence([Node], Span, flow: Bool)

        var span: Span {
            switch self {
            case .scalar(_, let span), .mapping(_, let span, _), .sequence(_, let span, _): span
            }
        }

        var isFlowCollection: Bool {
            switch self {
            case .scalar: false
            case .mapping(_, _, let flow), .sequence(_, _, let flow): flow
            }
        }

        var isBlockCollection: Bool {
            switch self {
            case .scalar: false
            case .mapping(_, _, let flow), .sequence(_, _, let flow): !flow
            }
        }

        var isEmptyCollection: Bool {
            switch self {
            case .scalar: false
            case .mapping(let pairs, _, _): pairs.isEmpty
            case .sequence(let elements, _, _): elements.isEmpty
            }
        }

        var scalarText: String? {
            if case .scalar(let text, _) = self { return text }
            return nil
        }

        /// The child at one step of a path: a mapping's value by key, a sequence's element by index.
        func child(_ step: DocumentPath.Step) -> Node? {
            switch (self, step) {
            case (.mapping(let pairs, _, _), .key(let key)): pairs.first { $0.key.scalarText == key }?.value
            case (.sequence(let elements, _, _), .index(let index)): elements.indices.contains(index) ? elements[index] : nil
            default: nil
            }
        }
    }

    /// Where a node sits: `start..<end` in scalars, and the 0-based column it starts at.
    struct Span {
        var start: Int
        var end: Int
        var column: Int
    }

    let root: Node
    let lines: TextLines

    /// Nil when the text is not one YAML document libyaml reads (callers have checked it already).
    init?(_ text: String) {
        let lines = TextLines(text)
        var builder = Builder(lines: lines)
        var copy = text
        let root: Node? = copy.withUTF8 { bytes in builder.run(bytes) }
        guard let root else { return nil }
        self.root = root
        self.lines = lines
    }

    /// The node at `path` from the root, with the nodes above it (root first).
    func node(at path: DocumentPath) -> (node: Node, ancestors: [Node])? {
        var ancestors: [Node] = []
        var current = root
        for step in path.steps {
            guard let next = current.child(step) else { return nil }
            ancestors.append(current)
            current = next
        }
        return (current, ancestors)
    }

    /// Builds the tree from parser events with a stack of open collections.
    private struct Builder {
        enum Open {
            case mapping(pairs: [(key: Node, value: Node)], pendingKey: Node?, start: Int, column: Int, flow: Bool)
            case sequence(elements: [Node], start: Int, column: Int, flow: Bool)
        }

        let lines: TextLines
        var stack: [Open] = []

        init(lines: TextLines) { self.lines = lines }

        func offset(_ mark: yaml_mark_t) -> Int {
            let line = min(Int(mark.line), lines.starts.count - 1)
            return min(lines.starts[line] + Int(mark.column), lines.scalars.count)
        }

        mutating func run(_ bytes: UnsafeBufferPointer<UInt8>) -> Node? {
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
            var event = yaml_event_t()
            var root: Node?
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                let start = offset(event.start_mark), column = Int(event.start_mark.column)
                var finished: Node?
                switch event.type {
                case YAML_STREAM_END_EVENT, YAML_DOCUMENT_END_EVENT:
                    return root
                case YAML_SCALAR_EVENT:
                    let value =
                        event.data.scalar.value.map {
                            String(decoding: UnsafeBufferPointer(start: $0, count: event.data.scalar.length), as: UTF8.self)
                        } ?? ""
                    // A block scalar's end mark lies after its line breaks: end at its last character.
                    var end = offset(event.end_mark)
                    while end > start, let scalar = lines.scalar(at: end - 1), scalar == " " || scalar == "\n" || scalar == "\r" || scalar == "\t" {
                        end -= 1
                    }
                    finished = .scalar(value, Span(start: start, end: end, column: column))
                case YAML_MAPPING_START_EVENT:
                    stack.append(
                        .mapping(
                            pairs: [], pendingKey: nil, start: start, column: column,
                            flow: event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE))
                case YAML_SEQUENCE_START_EVENT:
                    stack.append(
                        .sequence(
                            elements: [], start: start, column: column,
                            flow: event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE))
                case YAML_MAPPING_END_EVENT:
                    guard case .mapping(let pairs, _, let start, let column, let flow)? = stack.popLast() else { return nil }
                    let end = flow ? offset(event.end_mark) : (pairs.last?.value.span.end ?? start)
                    finished = .mapping(pairs, Span(start: start, end: end, column: column), flow: flow)
                case YAML_SEQUENCE_END_EVENT:
                    guard case .sequence(let elements, let start, let column, let flow)? = stack.popLast() else { return nil }
                    let end = flow ? offset(event.end_mark) : (elements.last?.span.end ?? start)
                    finished = .sequence(elements, Span(start: start, end: end, column: column), flow: flow)
                default:
                    continue  // stream and document starts; aliases are refused before
                }
                guard let node = finished else { continue }
                switch stack.popLast() {
                case nil: root = node
                case .mapping(var pairs, let key?, let start, let column, let flow)?:
                    pairs.append((key, node))
                    stack.append(.mapping(pairs: pairs, pendingKey: nil, start: start, column: column, flow: flow))
                case .mapping(let pairs, nil, let start, let column, let flow)?:
                    stack.append(.mapping(pairs: pairs, pendingKey: node, start: start, column: column, flow: flow))
                case .sequence(var elements, let start, let column, let flow)?:
                    elements.append(node)
                    stack.append(.sequence(elements: elements, start: start, column: column, flow: flow))
                }
            }
        }
    }
}

/// Where a value sits in a flow document: keys of objects and indexes of arrays from the root,
/// written `shapes[2].map.fields`.
public struct DocumentPath: Sendable, Hashable, CustomStringConvertible {
    public enum Step: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public var steps: [Step]

    public init(_ steps: [Step]) { self.steps = steps }

    public func appending(_ step: Step) -> DocumentPath { DocumentPath(steps + [step]) }
    public func appending(_ more: [Step]) -> DocumentPath { DocumentPath(steps + more) }

    public var parent: DocumentPath { DocumentPath(Array(steps.dropLast())) }
    public var last: Step? { steps.last }

    /// As validation messages name places: `shapes[2].map.fields`.
    public var description: String {
        var text = ""
        for step in steps {
            switch step {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}
