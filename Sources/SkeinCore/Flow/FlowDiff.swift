public import SkeinJSON

/// Two versions of a flow compared shape by shape, for review before a deploy or a rollback.
///
/// Shapes are matched by id across the whole tree (`route`, `branch` and `try` lists included),
/// so a shape that moved is reported as moved rather than removed and added. A shape's own
/// settings are compared without its children: a `route` whose branches' shapes changed is
/// unchanged itself unless its list of child ids changed. The flow's other keys (`name`,
/// `trigger`, `variables`, …) are compared one by one.
public struct FlowDiff: Sendable, Equatable {
    /// What happened to one shape between the two versions.
    public enum Change: String, Sendable {
        case added, removed, changed, moved, unchanged
    }

    /// One shape on either side: where it sits (`shapes[2]`, `shapes[1].route.branches[0].shapes[0]`)
    /// and its settings with child shapes replaced by their ids.
    public struct ShapeSide: Sendable, Equatable {
        public var path: String
        public var shape: JSON
    }

    public struct ShapeEntry: Sendable, Equatable {
        public var id: String
        public var change: Change
        public var from: ShapeSide?
        public var to: ShapeSide?
    }

    /// A top-level key other than `shapes` whose value differs (nil: absent on that side).
    public struct KeyEntry: Sendable, Equatable {
        public var key: String
        public var from: JSON?
        public var to: JSON?

        public init(key: String, from: JSON?, to: JSON?) {
            self.key = key
            self.from = from
            self.to = to
        }
    }

    /// Every shape: those of the newer side in their order, then those only in the older one.
    public var shapes: [ShapeEntry]
    public var keys: [KeyEntry]

    /// True when the two texts describe the same flow (comments and formatting aside).
    public var isEmpty: Bool { keys.isEmpty && shapes.allSatisfy { $0.change == .unchanged } }

    /// Compares the flow file texts `from` and `to` (YAML or JSON).
    public static func between(_ from: String, _ to: String) throws(FlowValidationError) -> FlowDiff {
        between(document: try FlowFile.document(from: from), document: try FlowFile.document(from: to))
    }

    public static func between(document old: JSON, document new: JSON) -> FlowDiff {
        let oldShapes = ShapeIndex(old), newShapes = ShapeIndex(new)
        var entries: [ShapeEntry] = newShapes.order.map { id in
            let to = newShapes.sides[id]!
            guard let from = oldShapes.sides[id] else { return ShapeEntry(id: id, change: .added, from: nil, to: to) }
            let change: Change = from.shape != to.shape ? .changed : (from.path != to.path ? .moved : .unchanged)
            return ShapeEntry(id: id, change: change, from: from, to: to)
        }
        entries += oldShapes.order.filter { newShapes.sides[$0] == nil }.map {
            ShapeEntry(id: $0, change: .removed, from: oldShapes.sides[$0], to: nil)
        }
        let oldKeys = old.objectValue ?? [:], newKeys = new.objectValue ?? [:]
        var keys: [KeyEntry] = []
        for key in newKeys.keys where key != "shapes" && oldKeys[key] != newKeys[key] {
            keys.append(KeyEntry(key: key, from: oldKeys[key], to: newKeys[key]))
        }
        for key in oldKeys.keys where key != "shapes" && newKeys[key] == nil {
            keys.append(KeyEntry(key: key, from: oldKeys[key], to: nil))
        }
        return FlowDiff(shapes: entries, keys: keys)
    }

    /// Every shape of a flow document by id, in the order a reader meets them.
    struct ShapeIndex {
        var order: [String] = []
        var sides: [String: ShapeSide] = [:]

        /// Keys whose value is a list of shapes, at any level.
        static let listKeys: Set<String> = ["shapes", "otherwise", "catch"]

        init(_ document: JSON) {
            if case .array(let shapes)? = document.objectValue?["shapes"] { index(shapes, path: "shapes") }
        }

        private mutating func index(_ shapes: [JSON], path: String) {
            for (position, value) in shapes.enumerated() {
                guard let id = value.objectValue?["id"]?.stringValue, sides[id] == nil else { continue }
                let here = "\(path)[\(position)]"
                order.append(id)
                sides[id] = ShapeSide(path: here, shape: .null)  // placeholder: keeps the parent before its children
                sides[id]!.shape = own(value, path: here)
            }
        }

        /// The shape with each nested shape list replaced by its ids, indexing the children on the way.
        private mutating func own(_ value: JSON, path: String) -> JSON {
            switch value {
            case .object(var members):
                for (key, member) in members {
                    if Self.listKeys.contains(key), case .array(let list) = member,
                        list.contains(where: { $0.objectValue?["id"]?.stringValue != nil })
                    {
                        index(list, path: "\(path).\(key)")
                        members[key] = .array(list.map { $0.objectValue?["id"] ?? $0 })
                    } else {
                        members[key] = own(member, path: "\(path).\(key)")
                    }
                }
                return .object(members)
            case .array(let elements):
                return .array(elements.enumerated().map { own($1, path: "\(path)[\($0)]") })
            default:
                return value
            }
        }
    }
}
