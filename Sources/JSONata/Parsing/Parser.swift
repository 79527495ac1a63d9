/// A top-down operator-precedence (Pratt) parser, following the structure of the reference
/// implementation so the same expressions produce the same trees and the same errors.
///
/// Each token becomes a `Node`; `nud` handles a token that starts an operand (prefix position),
/// `led` handles a token that continues one (infix position), and the binding power decides
/// how tightly an infix operator holds its left operand.
///
/// Nesting is bounded (`maxNesting`, S0230): the parser measures the height of every subtree it
/// builds, including the left-leaning trees that long operator and path chains make without
/// any recursion in the parser, because every later pass over the tree (post-processing,
/// evaluation, and the release of the nodes) recurses once per level.
struct Parser {
    private var lexer: Lexer
    private var node: Node
    private let sourceLength: Int
    private let maxNesting: Int
    /// How many `expression` calls are active.
    private var nesting = 0
    private var stack = StackProbe()

    /// Parses and post-processes `source` into an evaluable tree.
    static func parse(_ source: String, maxNesting: Int) throws(EvalError) -> Node {
        var parser = Parser(source, maxNesting: maxNesting)
        try parser.advance()
        let expression = try parser.expression(0)
        if parser.node.id != "(end)" {
            throw EvalError("S0201", position: parser.node.position, token: parser.node.value)
        }
        var post = PostParser()
        let result = try post.process(expression)
        PostParser.annotate(result)
        if result.type == .parent || result.seekingParent != nil {
            throw EvalError("S0217", position: result.position, token: result.type.name)
        }
        return result
    }

    private init(_ source: String, maxNesting: Int) {
        self.maxNesting = maxNesting
        lexer = Lexer(source)
        sourceLength = lexer.chars.count
        node = Node(type: .end, id: "(end)", value: "(end)", position: 0)
    }

    /// Left binding powers of the infix symbols; everything else binds with 0.
    static let bindingPower: [String: Int] = [
        ".": 75, "[": 80, "{": 70, "(": 80, "@": 80, "#": 80, "?": 20,
        "+": 50, "-": 50, "*": 60, "/": 60, "%": 60, "&": 50,
        "=": 40, "<": 40, ">": 40, "!=": 40, "<=": 40, ">=": 40, "^": 40, "~>": 40, "in": 40,
        "?:": 40, "??": 40, "and": 30, "or": 25, ":=": 10,
    ]

    /// Operator symbols the grammar knows (others, such as `!` alone, are S0204).
    static let knownSymbols: Set<String> = [
        ":", ";", ",", ")", "]", "}", "..", ".", "+", "-", "*", "/", "%", "=", "<", ">", "!=", "<=", ">=",
        "&", "and", "or", "in", "~>", "**", "(", "[", "^", "{", ":=", "@", "#", "?", "|", "?:", "??",
    ]

    private func lbp(_ node: Node) -> Int {
        node.type == .op ? Parser.bindingPower[node.id] ?? 0 : 0
    }

    @discardableResult
    private mutating func advance(_ id: String? = nil, infix: Bool = false) throws(EvalError) -> Node {
        if let id, node.id != id {
            let code = node.id == "(end)" ? "S0203" : "S0202"
            throw EvalError(code, position: node.position, token: node.value, value: .string(id))
        }
        guard let token = try lexer.next(infix: infix) else {
            node = Node(type: .end, id: "(end)", value: "(end)", position: sourceLength)
            return node
        }
        let next: Node
        switch token.kind {
        case .name:
            next = Node(type: .name, id: "(name)", value: token.text, position: token.position)
        case .variable:
            next = Node(type: .variable, id: "(name)", value: token.text, position: token.position)
        case .op:
            guard Parser.knownSymbols.contains(token.text) else {
                throw EvalError("S0204", position: token.position, token: token.text)
            }
            next = Node(type: .op, id: token.text, value: token.text, position: token.position)
        case .string:
            next = Node(type: .string, id: "(literal)", value: token.text, position: token.position)
            next.literal = .string(token.text)
        case .number:
            next = Node(type: .number, id: "(literal)", value: token.text, position: token.position)
            next.literal = .number(token.number)
        case .value:
            next = Node(type: .value, id: "(literal)", value: token.text, position: token.position)
            next.literal = token.literal
        case .regex:
            next = Node(type: .regex, id: "(regex)", value: token.text, position: token.position)
            next.regex = token.regex
        }
        node = next
        return node
    }

    private mutating func expression(_ rbp: Int) throws(EvalError) -> Node {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > maxNesting { throw tooDeep(at: node.position) }
        if nesting > 64, stack.isExhausted() { throw tooDeep(at: node.position, stack: true) }
        var t = node
        try advance(nil, infix: true)
        var left = try nud(t)
        try measure(left)
        while rbp < lbp(node) {
            t = node
            try advance()
            left = try led(t, left)
            try measure(left)
        }
        return left
    }

    /// Records the height of `tree` (its children are measured already) and stops when it is
    /// deeper than `maxNesting`.
    private func measure(_ tree: Node) throws(EvalError) {
        var height = 0
        for child in tree.children where child.height > height { height = child.height }
        tree.height = height + 1
        if tree.height > maxNesting { throw tooDeep(at: tree.position) }
    }

    private func tooDeep(at position: Int, stack: Bool = false) -> EvalError {
        let error = EvalError("S0230", position: position)
        error.message =
            stack
            ? "The expression is nested too deeply to compile on this thread's stack"
            : "The expression is nested more than \(maxNesting) levels deep (maxNesting; the default is \(JSONataLimits.default.maxNesting))"
        return error
    }

    // MARK: prefix position

    private mutating func nud(_ t: Node) throws(EvalError) -> Node {
        switch t.type {
        case .name, .variable, .string, .number, .value, .regex, .end:
            return t
        case .op:
            break
        default:
            return t
        }
        switch t.id {
        case "and", "or", "in":
            return t  // keywords used as field names; the post-parser turns them into names
        case "-":
            t.expression = try expression(70)
            t.type = .unary
            return t
        case "*":
            t.type = .wildcard
            return t
        case "**":
            t.type = .descendant
            return t
        case "%":
            t.type = .parent
            return t
        case "(":
            var expressions: [Node] = []
            while node.id != ")" {
                expressions.append(try expression(0))
                if node.id != ";" { break }
                try advance(";")
            }
            try advance(")", infix: true)
            t.type = .block
            t.expressions = expressions
            return t
        case "[":
            var items: [Node] = []
            if node.id != "]" {
                while true {
                    var item = try expression(0)
                    if node.id == ".." {
                        let range = Node(type: .binary, id: "..", value: "..", position: node.position)
                        range.lhs = item
                        try advance("..")
                        range.rhs = try expression(0)
                        try measure(range)
                        item = range
                    }
                    items.append(item)
                    if node.id != "," { break }
                    try advance(",")
                }
            }
            try advance("]", infix: true)
            t.expressions = items
            t.type = .unary
            return t
        case "{":
            t.pairs = try objectPairs()
            t.type = .unary
            return t
        case "|":
            t.type = .transform
            t.pattern = try expression(0)
            try advance("|")
            t.update = try expression(0)
            if node.id == "," {
                try advance(",")
                t.deletion = try expression(0)
            }
            try advance("|")
            return t
        default:
            throw EvalError("S0211", position: t.position, token: t.value)
        }
    }

    private mutating func objectPairs() throws(EvalError) -> [(Node, Node)] {
        var pairs: [(Node, Node)] = []
        if node.id != "}" {
            while true {
                let name = try expression(0)
                try advance(":")
                let value = try expression(0)
                pairs.append((name, value))
                if node.id != "," { break }
                try advance(",")
            }
        }
        try advance("}", infix: true)
        return pairs
    }

    // MARK: infix position

    private mutating func led(_ t: Node, _ left: Node) throws(EvalError) -> Node {
        switch t.id {
        case "(":
            return try functionCall(t, left)
        case "[":
            if node.id == "]" {
                // `step[]`: keep singleton arrays in the result
                var step = left
                while step.type == .binary && step.value == "[", let inner = step.lhs { step = inner }
                step.keepArray = true
                try advance("]")
                return left
            }
            t.lhs = left
            t.rhs = try expression(0)
            t.type = .binary
            try advance("]", infix: true)
            return t
        case "^":
            try advance("(")
            var terms: [SortTerm] = []
            while true {
                var descending = false
                if node.id == "<" {
                    try advance("<")
                } else if node.id == ">" {
                    descending = true
                    try advance(">")
                }
                terms.append(SortTerm(descending: descending, expression: try expression(0)))
                if node.id != "," { break }
                try advance(",")
            }
            try advance(")")
            t.lhs = left
            t.terms = terms
            t.type = .binary
            return t
        case "{":
            t.lhs = left
            t.pairs = try objectPairs()
            t.type = .binary
            return t
        case ":=":
            if left.type != .variable {
                throw EvalError("S0212", position: left.position, token: left.value)
            }
            t.lhs = left
            t.rhs = try expression(Parser.bindingPower[":="]! - 1)
            t.type = .binary
            return t
        case "@", "#":
            t.lhs = left
            t.rhs = try expression(80)
            if t.rhs?.type != .variable {
                throw EvalError("S0214", position: t.rhs?.position, token: t.id)
            }
            t.type = .binary
            return t
        case "?":
            t.type = .condition
            t.condition = left
            t.thenBranch = try expression(0)
            if node.id == ":" {
                try advance(":")
                t.elseBranch = try expression(0)
            }
            return t
        case "?:":
            t.type = .condition
            t.condition = left
            t.thenBranch = left
            t.elseBranch = try expression(0)
            return t
        case "??":
            t.type = .condition
            let exists = Node(type: .function, id: "(", value: "(", position: t.position)
            exists.procedure = Node(type: .variable, id: "(name)", value: "exists", position: t.position)
            exists.arguments = [left]
            try measure(exists)
            t.condition = exists
            t.thenBranch = left
            t.elseBranch = try expression(0)
            return t
        default:
            // ordinary left-associative binary operator
            t.lhs = left
            t.rhs = try expression(Parser.bindingPower[t.id] ?? 0)
            t.type = .binary
            return t
        }
    }

    private mutating func functionCall(_ t: Node, _ left: Node) throws(EvalError) -> Node {
        t.procedure = left
        t.type = .function
        t.arguments = []
        if node.id != ")" {
            while true {
                if node.type == .op && node.id == "?" {
                    t.type = .partial
                    t.arguments.append(node)
                    try advance("?")
                } else {
                    t.arguments.append(try expression(0))
                }
                if node.id != "," { break }
                try advance(",")
            }
        }
        try advance(")", infix: true)
        // `function($a, $b) { body }` (or λ) defines a lambda
        if left.type == .name && (left.value == "function" || left.value == "\u{03BB}") {
            for (index, argument) in t.arguments.enumerated() where argument.type != .variable {
                throw EvalError("S0208", position: argument.position, token: argument.value, value: .number(Double(index + 1)))
            }
            t.type = .lambda
            if node.id == "<" {
                let signaturePosition = node.position
                var depth = 1
                var text = "<"
                while depth > 0 && node.id != "{" && node.id != "(end)" {
                    let token = try advance()
                    if token.id == ">" { depth -= 1 } else if token.id == "<" { depth += 1 }
                    text += token.value
                }
                try advance(">")
                do {
                    t.signature = try Signature(parsing: text)
                } catch let error {
                    error.position = signaturePosition + (error.position ?? 0)
                    throw error
                }
            }
            try advance("{")
            t.body = try expression(0)
            try advance("}")
        }
        return t
    }
}

extension NodeType {
    /// The reference implementation's name for the node type (used in S0217 messages).
    var name: String {
        switch self {
        case .op: return "operator"
        case .end: return "(end)"
        case .path: return "path"
        case .binary: return "binary"
        case .unary: return "unary"
        case .name: return "name"
        case .string: return "string"
        case .number: return "number"
        case .value: return "value"
        case .wildcard: return "wildcard"
        case .descendant: return "descendant"
        case .parent: return "parent"
        case .condition: return "condition"
        case .block: return "block"
        case .bind: return "bind"
        case .regex: return "regex"
        case .function: return "function"
        case .partial: return "partial"
        case .lambda: return "lambda"
        case .variable: return "variable"
        case .apply: return "apply"
        case .sort: return "sort"
        case .transform: return "transform"
        case .placeholder: return "operator"
        }
    }
}
