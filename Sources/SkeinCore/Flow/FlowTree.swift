/// The shapes that turn a flow from a list into a tree: `route`, `branch` and `try`.
///
/// Each holds named sequences of shapes (its *children*):
///
/// | Shape    | Children                                   | Who gets which payloads                        |
/// |----------|--------------------------------------------|-----------------------------------------------|
/// | `route`  | one per branch, then `otherwise`           | each payload goes down the branches whose condition holds (mode `all`) or the first (mode `first`); no match → `otherwise` |
/// | `branch` | one per branch                             | every branch, one after another, gets the same input |
/// | `try`    | `try`, then `catch`                        | `try` gets the input; payloads that fail in it go to `catch` wrapped with their error |
///
/// Shape ids are unique across the whole tree, so a step is still named by its shape id
/// (`--from-step`, `payload show`); its *path* says where it sits: `route-orders/uk/to-uk-erp`.
public enum ShapeStructure: Sendable, Equatable {
    case route(RouteBlock)
    case branch([ChildSequence])
    case tryCatch(TryBlock)

    /// The shape type that names this structure in flow files.
    public var type: String {
        switch self {
        case .route: "route"
        case .branch: "branch"
        case .tryCatch: "try"
        }
    }

    /// The flow-file keys of the structural shapes.
    public static let types: [String] = ["branch", "route", "try"]

    /// The child sequences in the order they run (and are numbered).
    public var children: [ChildSequence] {
        switch self {
        case .route(let block):
            block.branches.map { ChildSequence(name: $0.name, shapes: $0.shapes) }
                + (block.otherwise.map { [ChildSequence(name: RouteBlock.otherwiseName, shapes: $0)] } ?? [])
        case .branch(let sequences): sequences
        case .tryCatch(let block): [ChildSequence(name: "try", shapes: block.tryShapes), ChildSequence(name: "catch", shapes: block.catchShapes)]
        }
    }
}

/// A named sequence of shapes inside a structural shape.
public struct ChildSequence: Sendable, Equatable {
    public var name: String
    public var shapes: [ShapeDefinition]

    public init(name: String, shapes: [ShapeDefinition]) {
        self.name = name
        self.shapes = shapes
    }
}

/// `route`: sends each payload down the branches whose JSONata condition holds.
public struct RouteBlock: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// Every branch whose condition holds gets the payload (a copy each).
        case all
        /// Only the first branch whose condition holds gets it.
        case first
    }

    public var mode: Mode
    public var branches: [RouteBranch]
    /// Where payloads no branch took go; without it they stop at the route (counted on its step).
    public var otherwise: [ShapeDefinition]?

    public static let otherwiseName = "otherwise"

    public init(mode: Mode = .all, branches: [RouteBranch], otherwise: [ShapeDefinition]? = nil) {
        self.mode = mode
        self.branches = branches
        self.otherwise = otherwise
    }
}

public struct RouteBranch: Sendable, Equatable {
    public var name: String
    /// A JSONata condition on the payload; nil means the branch takes every payload.
    public var condition: String?
    public var shapes: [ShapeDefinition]

    public init(name: String, condition: String? = nil, shapes: [ShapeDefinition]) {
        self.name = name
        self.condition = condition
        self.shapes = shapes
    }
}

/// `try`: runs `tryShapes`; a payload that fails in them goes to `catchShapes` as
/// `{"payload": ..., "error": {"step", "path", "message"}}` instead of failing the run, which
/// then ends `partial_success`.
public struct TryBlock: Sendable, Equatable {
    public var tryShapes: [ShapeDefinition]
    public var catchShapes: [ShapeDefinition]

    public init(tryShapes: [ShapeDefinition], catchShapes: [ShapeDefinition]) {
        self.tryShapes = tryShapes
        self.catchShapes = catchShapes
    }
}

/// One move from a sequence into a shape on the way to a step nested in the tree: the shape at
/// `index`, and (unless it is the destination) which of its children to go into next.
public struct TreeHop: Sendable, Equatable {
    public var index: Int
    public var child: Int?

    public init(index: Int, child: Int?) {
        self.index = index
        self.child = child
    }
}

extension FlowDefinition {
    /// Every shape of the tree in the order a run numbers its steps (a structure before its children).
    public var allShapes: [ShapeDefinition] {
        func walk(_ shapes: [ShapeDefinition]) -> [ShapeDefinition] {
            shapes.flatMap { shape in [shape] + (shape.structure?.children.flatMap { walk($0.shapes) } ?? []) }
        }
        return walk(shapes)
    }

    /// The shape with `id` anywhere in the tree.
    public func shape(withID id: String) -> ShapeDefinition? { allShapes.first { $0.id == id } }

    /// The hops from the top-level sequence down to the shape `id`; nil when there is none.
    public func hops(to id: String) -> [TreeHop]? {
        func search(_ shapes: [ShapeDefinition]) -> [TreeHop]? {
            for (index, shape) in shapes.enumerated() {
                if shape.id == id { return [TreeHop(index: index, child: nil)] }
                for (childIndex, child) in (shape.structure?.children ?? []).enumerated() {
                    if let rest = search(child.shapes) { return [TreeHop(index: index, child: childIndex)] + rest }
                }
            }
            return nil
        }
        return search(shapes)
    }

    /// Where shape `id` sits: `route-orders/uk/to-uk-erp` (structure id / child name / shape id);
    /// a top-level shape's path is its id.
    public func path(of id: String) -> String? {
        guard let hops = hops(to: id) else { return nil }
        var parts: [String] = []
        var sequence = shapes
        for hop in hops {
            let shape = sequence[hop.index]
            parts.append(shape.id)
            if let child = hop.child, let children = shape.structure?.children {
                parts.append(children[child].name)
                sequence = children[child].shapes
            }
        }
        return parts.joined(separator: "/")
    }

    /// The shape a payload produced by `id` goes to next: its next sibling, or, after the last
    /// shape of a child sequence, the shape after the enclosing structure. Nil at the end of the flow
    /// (and after a `catch` part, which is a dead end).
    public func shapeAfter(_ id: String) -> ShapeDefinition? {
        guard var hops = hops(to: id) else { return nil }
        while let last = hops.last {
            hops.removeLast()
            var sequence = shapes
            var inCatch = false
            for hop in hops {
                let children = sequence[hop.index].structure?.children ?? []
                if case .tryCatch? = sequence[hop.index].structure, hop.child == 1 { inCatch = true } else { inCatch = false }
                sequence = children[hop.child ?? 0].shapes
            }
            if last.index + 1 < sequence.count { return sequence[last.index + 1] }
            if inCatch { return nil }
        }
        return nil
    }
}
