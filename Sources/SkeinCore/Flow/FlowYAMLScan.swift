// libyaml's event parser, as vendored by Yams (its `CYaml` module): Yams offers no event API,
// and its composer expands aliases (and hashes alias keys) before anything could be checked.
import CYaml

/// Reads a YAML flow file's events — without building any tree — and refuses what must never
/// reach the composer: anchors and aliases (a 587-byte file of 8 levels × 10 aliases expands to
/// 10^8 nodes, past 3 GB), nesting deeper than `FlowFile.maximumDepth`, and more than
/// `FlowFile.maximumNodes` nodes. Memory stays constant whatever the text; each refusal names
/// the path, line and column. Syntax errors are left for Yams to report as before.
struct FlowYAMLScan {
    private enum Frame {
        case sequence(path: String, next: Int)
        /// `key` is nil while the next node is a key.
        case mapping(path: String, key: String?)
    }

    private var frames: [Frame] = []
    private var nodes = 0
    let maximumDepth: Int
    let maximumNodes: Int

    static func check(
        _ text: String, maximumDepth: Int = FlowFile.maximumDepth,
        maximumNodes: Int = FlowFile.maximumNodes
    ) throws(FlowValidationError) {
        var scan = FlowYAMLScan(maximumDepth: maximumDepth, maximumNodes: maximumNodes)
        var text = text
        let failure: FlowProblem? = text.withUTF8 { bytes in scan.run(bytes) }
        if let failure { throw FlowValidationError(problems: [failure]) }
    }

    private init(maximumDepth: Int, maximumNodes: Int) {
        self.maximumDepth = maximumDepth
        self.maximumNodes = maximumNodes
    }

    /// The first problem, or nil when the events are acceptable (or not YAML at all).
    private mutating func run(_ bytes: UnsafeBufferPointer<UInt8>) -> FlowProblem? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else { return nil }  // a syntax error: Yams reports it
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1, column = Int(event.start_mark.column) + 1
            func problem(_ message: String) -> FlowProblem {
                FlowProblem(path: currentPath, message: "line \(line), column \(column): \(message)")
            }
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_ALIAS_EVENT:
                return problem("YAML aliases (*\(Self.text(event.data.alias.anchor))) are not supported in flow files; write the value out")
            case YAML_SCALAR_EVENT, YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let anchor =
                    switch event.type {
                    case YAML_SCALAR_EVENT: event.data.scalar.anchor
                    case YAML_SEQUENCE_START_EVENT: event.data.sequence_start.anchor
                    default: event.data.mapping_start.anchor
                    }
                if let anchor {
                    return problem("YAML anchors (&\(Self.text(anchor))) are not supported in flow files; write the value out where it is used")
                }
                nodes += 1
                if nodes > maximumNodes { return problem("the flow file has more than \(maximumNodes) values") }
                if event.type == YAML_SCALAR_EVENT {
                    let value = event.data.scalar.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: event.data.scalar.length), as: UTF8.self) }
                    finishNode(scalar: value ?? "")
                } else {
                    guard frames.count < maximumDepth else {
                        return problem("nested more than \(maximumDepth) levels deep")
                    }
                    let path = currentPath
                    frames.append(event.type == YAML_SEQUENCE_START_EVENT ? .sequence(path: path, next: 0) : .mapping(path: path, key: nil))
                }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                _ = frames.popLast()
                finishNode(scalar: nil)
            default:
                continue  // stream, document starts and ends
            }
        }
    }

    /// The path of the node about to be read, as `FlowFile` names paths: `shapes[2].map.transform`.
    private var currentPath: String {
        switch frames.last {
        case nil: ""
        case .sequence(let path, let next): "\(path)[\(next)]"
        case .mapping(let path, let key?): path.isEmpty ? key : "\(path).\(key)"
        case .mapping(let path, nil): path
        }
    }

    /// A node of the innermost collection is complete: a sequence moves on, a mapping switches between key and value.
    private mutating func finishNode(scalar: String?) {
        switch frames.popLast() {
        case nil: return
        case .sequence(let path, let next): frames.append(.sequence(path: path, next: next + 1))
        case .mapping(let path, nil): frames.append(.mapping(path: path, key: scalar ?? "?"))
        case .mapping(let path, _?): frames.append(.mapping(path: path, key: nil))
        }
    }

    private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>) -> String {
        String(cString: UnsafePointer(pointer)).prefix(40).description
    }
}
