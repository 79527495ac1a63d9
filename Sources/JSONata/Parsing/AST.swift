import OrderedCollections

/// The kinds of node in the syntax tree. The first group only appears while parsing; the
/// post-parse pass (`PostParser`) rewrites them into the evaluable kinds.
enum NodeType {
    // parse-time only
    case op  // an operator token not (yet) used as one, e.g. `and` used as a field name
    case end
    // evaluable
    case path, binary, unary, name, string, number, value, wildcard, descendant, parent
    case condition, block, bind, regex, function, partial, lambda, variable, apply, sort, transform
    case placeholder  // the `?` argument of a partial application
}

/// Binary operators, resolved once so evaluation switches on an enum rather than a string.
enum BinaryOperator {
    case add, subtract, multiply, divide, modulo
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
    case concat, and, or, range, `in`

    init?(_ text: String) {
        switch text {
        case "+": self = .add
        case "-": self = .subtract
        case "*": self = .multiply
        case "/": self = .divide
        case "%": self = .modulo
        case "=": self = .equal
        case "!=": self = .notEqual
        case "<": self = .less
        case "<=": self = .lessOrEqual
        case ">": self = .greater
        case ">=": self = .greaterOrEqual
        case "&": self = .concat
        case "and": self = .and
        case "or": self = .or
        case "..": self = .range
        case "in": self = .in
        default: return nil
        }
    }
}

/// Links a parent operator (`%`) to the step whose context it refers to. The parser adjusts
/// `level` while walking back through a path; the step that binds it records `label`.
final class Slot {
    var label: String
    var level: Int
    let index: Int
    init(label: String, level: Int, index: Int) {
        self.label = label
        self.level = level
        self.index = index
    }
}

/// A stage applied to a step's results: a filter predicate or a `#$i` index binding.
enum Stage {
    case filter(Node, position: Int)
    case index(String, position: Int)
}

struct SortTerm {
    var descending: Bool
    var expression: Node
}

/// `{ key: value, ... }` used as an object constructor or as a grouping on a step.
final class GroupSpec {
    let pairs: [(Node, Node)]
    let position: Int
    /// When every key is a distinct string literal (`{"a": x, "b": y}`, by far the most common
    /// constructor): the object's fields in order, each value `null` until filled in. A copy
    /// shares the keys' hash table, so building an object hashes no key.
    let literalKeys: OrderedDictionary<String, Value>?

    init(pairs: [(Node, Node)], position: Int) {
        self.pairs = pairs
        self.position = position
        var keys = OrderedDictionary<String, Value>(minimumCapacity: pairs.count)
        for (key, _) in pairs {
            guard key.type == .string, key.predicate == nil, key.group == nil, case .string(let name)? = key.literal,
                keys.updateValue(.null, forKey: name) == nil
            else {
                literalKeys = nil
                return
            }
        }
        literalKeys = keys
    }
}

/// A syntax tree node. Built and rewritten by the parser, then never mutated again: a compiled
/// expression shares its tree across threads (hence `@unchecked Sendable`).
final class Node: @unchecked Sendable {
    var type: NodeType
    /// The parser's symbol id: an operator, or `(name)`, `(literal)`, `(regex)`, `(end)`.
    var id: String
    /// Name, variable name or operator text.
    var value: String
    /// The value of a string, number or `true`/`false`/`null` literal.
    var literal: Value?
    var position: Int

    var op: BinaryOperator?
    var lhs: Node?
    var rhs: Node?
    var expression: Node?
    var expressions: [Node] = []
    var steps: [Node] = []
    var arguments: [Node] = []
    var procedure: Node?
    var body: Node?
    var condition: Node?
    var thenBranch: Node?
    var elseBranch: Node?
    var pattern: Node?
    var update: Node?
    var deletion: Node?
    /// Object constructor pairs (unary `{`), or grouping pairs while parsing (binary `{`).
    var pairs: [(Node, Node)] = []
    var terms: [SortTerm] = []
    var group: GroupSpec?
    /// The pairs of an object constructor (unary `{`), packaged once for evaluation.
    var constructor: GroupSpec?
    var predicate: [Stage]?
    var stages: [Stage]?
    var signature: Signature?
    var regex: CompiledRegex?
    /// For a variable, the built-in function of that name, found once by the post-parser: what
    /// the variable means when no scope binds the name.
    var builtin: NativeFunction?

    var keepArray = false
    var keepSingletonArray = false
    var consarray = false
    var tuple = false
    var thunk = false
    var focus: String?
    var index: String?
    var ancestor: Slot?
    var slot: Slot?
    var seekingParent: [Slot]?

    init(type: NodeType, id: String = "", value: String = "", position: Int) {
        self.type = type
        self.id = id
        self.value = value
        self.position = position
    }

    /// The height of the subtree below this node, measured while parsing (see `Parser.measure`).
    var height = 1

    /// A path that is a single field name with no predicates, bindings, grouping or `[]`
    /// (set by the post-parser).
    var isSimpleField = false
    /// A block that binds a variable at its own level and so needs its own scope.
    var needsFrame = true

    /// Every node directly below this one.
    var children: [Node] {
        var nodes: [Node] = []
        for node in [lhs, rhs, expression, procedure, body, condition, thenBranch, elseBranch, pattern, update, deletion] {
            if let node { nodes.append(node) }
        }
        nodes += expressions
        nodes += steps
        nodes += arguments
        for (key, value) in pairs { nodes += [key, value] }
        for term in terms { nodes.append(term.expression) }
        if let group { for (key, value) in group.pairs { nodes += [key, value] } }
        for stage in (predicate ?? []) + (stages ?? []) {
            if case .filter(let filter, _) = stage { nodes.append(filter) }
        }
        return nodes
    }

    /// Is this an array constructor (`[ ... ]`)?
    var isArrayConstructor: Bool { type == .unary && value == "[" }
}
