import SkeinJSON

/// Applies `FlowEdit`s to a flow file's text: a YAML file is edited in place (`FlowYAMLEdit`:
/// only the text an edit is about changes, comments elsewhere survive), a JSON file is written
/// again as pretty JSON with its keys in their order.
///
/// The edits of one call apply in order, all or nothing. The result is validated as
/// `skein flow validate` validates; an edit list that brings in a problem the text did not have
/// before is refused with those problems (a draft that was already invalid can still be worked on).
public enum FlowEditor {
    public struct Result: Sendable, Equatable {
        public var text: String
        /// What is still wrong with the text (only problems it already had before the edits).
        public var problems: [FlowProblem]
        /// The ids of shapes the edits added (given or generated, and every copy of a duplicate).
        public var addedShapes: [String]
    }

    public static func apply(_ edits: [FlowEdit], to text: String, catalog: ShapeCatalog = ShapeCatalog()) throws(FlowValidationError) -> Result {
        guard edits.count <= FlowEdit.maximumEdits else {
            throw FlowValidationError(problems: [FlowProblem(path: "edits", message: "at most \(FlowEdit.maximumEdits) edits at once; this has \(edits.count)")]
            )
        }
        let before = Set(problems(text, catalog: catalog))
        var flow = try EditableFlow(text)
        var added: [String] = []
        for (index, edit) in edits.enumerated() {
            added += try flow.apply(edit, at: "edits[\(index)]")
        }
        let after = problems(flow.text, catalog: catalog)
        let new = after.filter { !before.contains($0) }
        guard new.isEmpty else { throw FlowValidationError(problems: new) }
        return Result(text: flow.text, problems: after, addedShapes: added)
    }

    /// Every problem with a flow file's text, located as `skein flow validate` locates them.
    public static func problems(_ text: String, catalog: ShapeCatalog) -> [FlowProblem] {
        do { _ = try FlowFile.decode(text, catalog: catalog) } catch { return error.problems }
        return []
    }
}

/// A flow file's text with its parsed document, changed through three primitives (set,
/// remove, insert) that each backend — YAML text in place or JSON re-encoded — implements.
struct EditableFlow {
    private(set) var text: String
    private(set) var document: JSON
    let isJSON: Bool

    init(_ text: String) throws(FlowValidationError) {
        self.text = text
        document = try FlowFile.document(from: text)
        isJSON = text.drop(while: { $0.isWhitespace }).first == "{"
        guard case .object = document else {
            throw FlowValidationError(problems: [FlowProblem(path: "", message: "a flow file is an object (id, trigger, shapes), found \(document.typeName)")])
        }
    }

    // MARK: Primitives

    mutating func set(_ path: DocumentPath, _ value: JSON) throws(FlowValidationError) {
        if isJSON { commit(try Self.json(document, setting: path, to: value)) } else { try commit(try FlowYAMLEdit.setting(text, path, to: value)) }
    }

    mutating func remove(_ path: DocumentPath) throws(FlowValidationError) {
        if isJSON { commit(try Self.json(document, removing: path)) } else { try commit(try FlowYAMLEdit.removing(text, path)) }
    }

    mutating func insert(_ value: JSON, into list: DocumentPath, at index: Int) throws(FlowValidationError) {
        if isJSON {
            commit(try Self.json(document, inserting: value, into: list, at: index))
        } else {
            try commit(try FlowYAMLEdit.inserting(text, value, into: list, at: index))
        }
    }

    /// A JSON file: the new document, written again as pretty JSON.
    private mutating func commit(_ json: JSON) {
        document = json
        text = json.serialized(.pretty) + "\n"
    }

    /// A YAML file: the edited text, read again.
    private mutating func commit(_ yaml: String) throws(FlowValidationError) {
        text = yaml
        document = try FlowFile.document(from: yaml)
    }

    // MARK: Edits

    /// Applies one edit; returns the ids of shapes it added.
    mutating func apply(_ edit: FlowEdit, at path: String) throws(FlowValidationError) -> [String] {
        func fail(_ key: String, _ message: String) -> FlowValidationError {
            FlowValidationError(problems: [FlowProblem(path: "\(path).\(key)", message: message)])
        }
        func shape(_ id: String, _ key: String = "shape") throws(FlowValidationError) -> DocumentPath {
            guard let found = shapePath(id) else { throw fail(key, "the flow has no shape '\(id)'") }
            return found
        }
        switch edit {
        case .set(let id, let field, let newValue):
            var base = DocumentPath([])
            if let id { base = try shape(id) }
            let target = base.appending(field)
            if let newValue { try set(target, newValue) } else if value(at: target) != nil { try remove(target) }
            return []
        case .setTrigger(let trigger):
            try set(DocumentPath([.key("trigger")]), trigger)
            return []
        case .setSkip(let id, let skip):
            let target = try shape(id).appending(.key("skip"))
            if !isJSON {
                // Next to the shape's id, where a reader looks first.
                try commit(try FlowYAMLEdit.settingSkip(text, skip, onShape: id))
            } else if skip {
                try set(target, .bool(true))
            } else if value(at: target) != nil {
                try remove(target)
            }
            return []
        case .add(var entry, let placement):
            guard case .object(var members) = entry else { throw fail("shape", "a shape is an object") }
            let taken = allShapeIDs()
            if members["id"] == nil {
                guard let type = members.keys.first(where: { FlowSpec.shapeEntry.field($0) == nil }) else {
                    throw fail("shape", "the shape has no type; give one key naming its type with its settings")
                }
                members.updateValue(.string(Self.fresh("\(type)-1", taken: taken, suffix: { "\(type)-\($0)" })), forKey: "id", insertingAt: 0)
                entry = .object(members)
            }
            let (list, index) = try place(placement, at: path)
            try insert(entry, into: list, at: index)
            return Self.shapeIDs(in: entry)
        case .remove(let id):
            try remove(try shape(id))
            return []
        case .move(let id, let placement):
            let source = try shape(id)
            guard let entry = value(at: source) else { throw fail("shape", "the flow has no shape '\(id)'") }
            let inside = Set(Self.shapeIDs(in: entry))
            let anchor: String? =
                switch placement {
                case .after(let anchor), .before(let anchor): anchor
                case .startOf(let lane): lane.structure
                }
            if let anchor, inside.contains(anchor) {
                throw fail("shape", "'\(id)' cannot move next to or into itself ('\(anchor)' is part of it)")
            }
            _ = try place(placement, at: path)  // checked before anything changes
            try remove(source)
            let (list, index) = try place(placement, at: path)
            try insert(entry, into: list, at: index)
            return []
        case .duplicate(let id):
            let source = try shape(id)
            guard let entry = value(at: source), case .index(let index)? = source.last else { throw fail("shape", "the flow has no shape '\(id)'") }
            var taken = allShapeIDs()
            let copy = Self.freshened(entry, taken: &taken, renaming: true)
            try insert(copy, into: source.parent, at: index + 1)
            return Self.shapeIDs(in: copy)
        }
    }

    /// The list and index a placement names, in the document as it is now.
    func place(_ placement: ShapePlacement, at path: String) throws(FlowValidationError) -> (DocumentPath, Int) {
        func fail(_ key: String, _ message: String) -> FlowValidationError {
            FlowValidationError(problems: [FlowProblem(path: "\(path).\(key)", message: message)])
        }
        switch placement {
        case .after(let id):
            guard let found = shapePath(id), case .index(let index)? = found.last else { throw fail("after", "the flow has no shape '\(id)'") }
            return (found.parent, index + 1)
        case .before(let id):
            guard let found = shapePath(id), case .index(let index)? = found.last else { throw fail("before", "the flow has no shape '\(id)'") }
            return (found.parent, index)
        case .startOf(let lane):
            guard let structure = lane.structure else { return (DocumentPath([.key("shapes")]), 0) }
            guard let found = shapePath(structure), let entry = value(at: found) else { throw fail("lane", "the flow has no shape '\(structure)'") }
            let lanes = Self.lanes(of: entry)
            guard let match = lanes.first(where: { $0.name == lane.lane }) else {
                let names = lanes.map(\.name)
                throw fail(
                    "lane",
                    names.isEmpty
                        ? "'\(structure)' is not a route, branch or try; it has no lanes"
                        : "'\(structure)' has no lane '\(lane.lane)'; its lanes: \(names.joined(separator: ", "))")
            }
            return (found.appending(match.steps), 0)
        }
    }

    // MARK: Reading the document

    func value(at path: DocumentPath) -> JSON? {
        var current: JSON? = document
        for step in path.steps {
            switch step {
            case .key(let key): current = current?[key]
            case .index(let index): current = current?[index]
            }
        }
        return current
    }

    /// Where the shape `id` sits, anywhere in the tree.
    func shapePath(_ id: String) -> DocumentPath? {
        func search(_ list: JSON?, _ path: DocumentPath) -> DocumentPath? {
            guard case .array(let entries)? = list else { return nil }
            for (index, entry) in entries.enumerated() {
                let entryPath = path.appending(.index(index))
                if entry["id"]?.stringValue == id { return entryPath }
                for lane in Self.lanes(of: entry) {
                    if let found = search(Self.value(entry, lane.steps), entryPath.appending(lane.steps)) { return found }
                }
            }
            return nil
        }
        return search(document["shapes"], DocumentPath([.key("shapes")]))
    }

    func allShapeIDs() -> Set<String> { Set(Self.shapeIDs(in: .object(["shapes": document["shapes"] ?? .array([])]), entry: false)) }

    /// The lanes of a shape entry (none unless it is a route, branch or try), with the steps from
    /// the entry to each lane's list. A route's `otherwise` is listed even when not written yet.
    static func lanes(of entry: JSON) -> [(name: String, steps: [DocumentPath.Step])] {
        var lanes: [(name: String, steps: [DocumentPath.Step])] = []
        for type in ["route", "branch"] {
            guard case .object(let settings)? = entry[type] else { continue }
            for (index, branch) in (settings["branches"]?.arrayValue ?? []).enumerated() {
                if let name = branch["name"]?.stringValue { lanes.append((name, [.key(type), .key("branches"), .index(index), .key("shapes")])) }
            }
            if type == "route" { lanes.append((RouteBlock.otherwiseName, [.key(type), .key("otherwise")])) }
        }
        if case .object? = entry["try"] {
            lanes.append(("try", [.key("try"), .key("shapes")]))
            lanes.append(("catch", [.key("try"), .key("catch")]))
        }
        return lanes
    }

    static func value(_ json: JSON, _ steps: [DocumentPath.Step]) -> JSON? {
        var current: JSON? = json
        for step in steps {
            switch step {
            case .key(let key): current = current?[key]
            case .index(let index): current = current?[index]
            }
        }
        return current
    }

    /// The ids of a shape entry (`entry`) or of a document's shape list, and of every shape nested in them.
    static func shapeIDs(in json: JSON, entry: Bool = true) -> [String] {
        func walk(_ entry: JSON) -> [String] {
            [entry["id"]?.stringValue].compactMap { $0 } + lanes(of: entry).flatMap { lane in (value(entry, lane.steps)?.arrayValue ?? []).flatMap(walk) }
        }
        return entry ? walk(json) : (json["shapes"]?.arrayValue ?? []).flatMap(walk)
    }

    /// `base`, or the first `suffix(n)` from 2 that is not taken.
    static func fresh(_ base: String, taken: Set<String>, suffix: (Int) -> String) -> String {
        if !taken.contains(base) { return base }
        var number = 2
        while taken.contains(suffix(number)) { number += 1 }
        return suffix(number)
    }

    /// The entry with fresh ids for it and every shape nested in it (`renaming`: a copy, every
    /// id becomes `<id>-copy`…; otherwise only ids already taken are changed).
    static func freshened(_ entry: JSON, taken: inout Set<String>, renaming: Bool) -> JSON {
        guard case .object(var members) = entry else { return entry }
        if let id = members["id"]?.stringValue, renaming || taken.contains(id) {
            let base = String(id.prefix(90)) + "-copy"
            let new = fresh(base, taken: taken, suffix: { "\(base)-\($0)" })
            members["id"] = .string(new)
            taken.insert(new)
        } else if let id = members["id"]?.stringValue {
            taken.insert(id)
        }
        var result = JSON.object(members)
        for lane in lanes(of: entry) {
            guard case .array(let shapes)? = value(entry, lane.steps) else { continue }
            var copies: [JSON] = []
            for shape in shapes { copies.append(freshened(shape, taken: &taken, renaming: renaming)) }
            result = (try? json(result, setting: DocumentPath(lane.steps), to: .array(copies))) ?? result
        }
        return result
    }

    // MARK: The JSON backend

    static func json(_ root: JSON, setting path: DocumentPath, to value: JSON) throws(FlowValidationError) -> JSON {
        try update(root, path.steps[...], full: path) { _ throws(FlowValidationError) in value }
    }

    static func json(_ root: JSON, removing path: DocumentPath) throws(FlowValidationError) -> JSON {
        guard let last = path.last else { throw FlowYAMLEdit.problem(path, "there is nothing to remove") }
        return try update(root, path.steps.dropLast(), full: path) { container throws(FlowValidationError) in
            switch (container, last) {
            case (.object(var members)?, .key(let key)):
                members.removeValue(forKey: key)
                return .object(members)
            case (.array(var elements)?, .index(let index)) where elements.indices.contains(index):
                elements.remove(at: index)
                return .array(elements)
            default: throw FlowYAMLEdit.problem(path, "there is nothing at \(path) to remove")
            }
        }
    }

    static func json(_ root: JSON, inserting value: JSON, into list: DocumentPath, at index: Int) throws(FlowValidationError) -> JSON {
        try update(root, list.steps[...], full: list) { existing throws(FlowValidationError) in
            guard case .array(var elements)? = existing else { return .array([value]) }
            elements.insert(value, at: min(max(index, 0), elements.count))
            return .array(elements)
        }
    }

    /// Replaces the value at `steps` (nil when missing) with `change(value)`, creating objects on the way.
    static func update(
        _ node: JSON?, _ steps: ArraySlice<DocumentPath.Step>, full: DocumentPath,
        _ change: (JSON?) throws(FlowValidationError) -> JSON
    ) throws(FlowValidationError) -> JSON {
        guard let step = steps.first else { return try change(node) }
        switch (node, step) {
        case (.object(var members)?, .key(let key)):
            members[key] = try update(members[key], steps.dropFirst(), full: full, change)
            return .object(members)
        case (nil, .key(let key)), (.null?, .key(let key)):
            return .object([key: try update(nil, steps.dropFirst(), full: full, change)])
        case (.array(var elements)?, .index(let index)) where elements.indices.contains(index):
            elements[index] = try update(elements[index], steps.dropFirst(), full: full, change)
            return .array(elements)
        default:
            throw FlowYAMLEdit.problem(full, "\(full) cannot be reached: \(node?.typeName ?? "nothing") is in the way")
        }
    }
}
