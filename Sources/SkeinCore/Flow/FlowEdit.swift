public import SkeinJSON

/// One change to a flow draft, as the canvas makes them: `FlowEditor` applies a list of these
/// to a flow file's text (YAML in place, JSON re-encoded) and validates the result.
///
/// Shapes are named by id anywhere in the tree; lanes (the sequences of a `route`, `branch` or
/// `try`) by their structure's id and lane name, as run paths name them (`route-orders/uk`).
public enum FlowEdit: Sendable, Equatable {
    /// Sets a value inside a shape entry (`shape` nil: inside the flow document itself) at
    /// `field` (`["map", "fields"]`, `["http", "path"]`, `["name"]`); nil removes the key.
    case set(shape: String?, field: [DocumentPath.Step], value: JSON?)
    /// Replaces the trigger (`"manual"`, `"api"`, `{"schedule": "*/5 * * * *"}`, `{"webhook": {…}}`).
    case setTrigger(JSON)
    /// Skips (or stops skipping) a shape; its payloads pass through unchanged.
    case setSkip(shape: String, skip: Bool)
    /// Adds a shape entry (`{"id": …, "<type>": {settings}}`; without an id it gets `<type>-1`, `<type>-2`, …).
    case add(shape: JSON, at: ShapePlacement)
    case remove(shape: String)
    /// Moves a shape (with everything nested in it), within its lane or into another.
    case move(shape: String, to: ShapePlacement)
    /// Copies a shape right after itself; the copy and every shape nested in it get fresh ids (`<id>-copy`, `<id>-copy-2`, …).
    case duplicate(shape: String)
}

/// Where an added or moved shape goes.
public enum ShapePlacement: Sendable, Equatable {
    case after(String)
    case before(String)
    /// The start of a lane (also of an empty one, or a route's `otherwise` not written yet).
    case startOf(LaneReference)
}

/// A sequence of shapes: the flow's own (`structure` nil) or a lane of a `route` (a branch's
/// name, or `otherwise`), `branch` (a branch's name) or `try` (`try` or `catch`).
public struct LaneReference: Sendable, Equatable, CustomStringConvertible {
    public var structure: String?
    public var lane: String

    public init(structure: String?, lane: String) {
        self.structure = structure
        self.lane = lane
    }

    /// `""` or `shapes` is the flow's own list; `route-orders/uk` a lane of a structure.
    public init?(parsing text: String) {
        if text.isEmpty || text == "shapes" { self.init(structure: nil, lane: "shapes"); return }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(structure: String(parts[0]), lane: String(parts[1]))
    }

    public var description: String { structure.map { "\($0)/\(lane)" } ?? "shapes" }
}

extension FlowEdit {
    /// The most edits one request may carry.
    public static let maximumEdits = 100

    /// Reads one edit as the API and the web UI send it (`docs/drafts.md` lists the forms);
    /// problems are located under `path` (`edits[2].shape`).
    public init(json: JSON, path: String) throws(FlowValidationError) {
        func fail(_ key: String, _ message: String) -> FlowValidationError {
            FlowValidationError(problems: [FlowProblem(path: key.isEmpty ? path : "\(path).\(key)", message: message)])
        }
        guard case .object(let object) = json else { throw fail("", "an edit is an object with an `op`, found \(json.typeName)") }
        func string(_ key: String) throws(FlowValidationError) -> String {
            guard case .string(let text)? = object[key], !text.isEmpty else { throw fail(key, "\(key) (a shape id) is required") }
            return text
        }
        func placement() throws(FlowValidationError) -> ShapePlacement {
            let given = ["after", "before", "lane"].filter { object[$0] != nil }
            guard given.count == 1 else {
                throw fail("", "give exactly one of after (a shape id), before (a shape id) or lane (`structure/lane`, or \"\" for the flow's own list)")
            }
            switch given[0] {
            case "after": return .after(try string("after"))
            case "before": return .before(try string("before"))
            default:
                guard case .string(let text)? = object["lane"], let lane = LaneReference(parsing: text) else {
                    throw fail("lane", "lane is `structure-id/lane-name` (`route-orders/uk`, `try-post/catch`) or \"\" for the flow's own list")
                }
                return .startOf(lane)
            }
        }
        guard case .string(let op)? = object["op"] else { throw fail("op", "op is required: one of \(Self.operations.joined(separator: ", "))") }
        switch op {
        case "set":
            var shape: String?
            if let value = object["shape"], value != .null { shape = try string("shape") }
            let field = try Self.field(object["field"], fail: { fail("field", $0) })
            guard let value = object["value"] else { throw fail("value", "value is required (null removes the field)") }
            self = .set(shape: shape, field: field, value: value == .null ? nil : value)
        case "set_trigger":
            guard let trigger = object["trigger"], trigger != .null else {
                throw fail("trigger", "trigger is required (\"manual\", \"api\", {\"schedule\": …} or {\"webhook\": {…}})")
            }
            self = .setTrigger(trigger)
        case "skip":
            guard case .bool(let skip)? = object["skip"] else { throw fail("skip", "skip (true or false) is required") }
            self = .setSkip(shape: try string("shape"), skip: skip)
        case "add":
            guard case .object? = object["shape"] else { throw fail("shape", "shape (an object: {\"id\": …, \"<type>\": {settings}}) is required") }
            self = .add(shape: object["shape"]!, at: try placement())
        case "remove": self = .remove(shape: try string("shape"))
        case "move": self = .move(shape: try string("shape"), to: try placement())
        case "duplicate": self = .duplicate(shape: try string("shape"))
        default: throw fail("op", "unknown op '\(op)'; one of \(Self.operations.joined(separator: ", "))")
        }
    }

    public static let operations = ["set", "set_trigger", "skip", "add", "remove", "move", "duplicate"]

    /// A field path: `"map.fields"`, `"where[0].field"`, or a list of keys and indexes
    /// (`["map", "fields", "customer.email"]`) for keys that hold dots.
    static func field(_ value: JSON?, fail: (String) -> FlowValidationError) throws(FlowValidationError) -> [DocumentPath.Step] {
        var steps: [DocumentPath.Step] = []
        switch value {
        case .string(let text)?:
            for part in text.split(separator: ".", omittingEmptySubsequences: false) {
                var rest = Substring(part)
                let key = rest.prefix { $0 != "[" }
                guard !key.isEmpty else { throw fail("'\(text)' has an empty key; write field as a list of keys for keys with dots or brackets") }
                steps.append(.key(String(key)))
                rest = rest.dropFirst(key.count)
                while rest.first == "[" {
                    guard let close = rest.firstIndex(of: "]"), let index = Int(rest[rest.index(after: rest.startIndex)..<close]), index >= 0 else {
                        throw fail("'\(text)' has a bad index; write [0], [1], …")
                    }
                    steps.append(.index(index))
                    rest = rest[rest.index(after: close)...]
                }
                guard rest.isEmpty else { throw fail("'\(text)' has text after an index") }
            }
        case .array(let parts)?:
            for part in parts {
                switch part {
                case .string(let key) where !key.isEmpty: steps.append(.key(key))
                case .number(let number) where number >= 0 && number == number.rounded() && number < 1e9: steps.append(.index(Int(number)))
                default: throw fail("each step of field is a key (a string) or an index (a whole number)")
                }
            }
        default:
            throw fail("field is required: `map.fields`, `http.path`, or a list of keys and indexes")
        }
        guard !steps.isEmpty else { throw fail("field is required: `map.fields`, `http.path`, or a list of keys and indexes") }
        return steps
    }
}
