/// The post-parse pass: turns the raw operator tree into the shape the evaluator walks.
///
/// - chains of `.` become `path` nodes holding an array of steps;
/// - `[predicate]` becomes a filter stage on the step it follows;
/// - `{...}` after a step becomes that step's grouping;
/// - `^(...)` becomes a `sort` step; `@$v` and `#$i` mark steps that bind variables, which
///   makes the path evaluate as a *tuple stream*;
/// - `%` (parent) is resolved to the step whose context it names (`Slot`s and ancestor labels);
/// - tail calls inside lambdas are wrapped as thunks for the trampoline in `apply`.
///
/// The pass recurses once per level of the tree, which the parser bounds (`maxNesting`); it also
/// stops with S0230 before it would exhaust a small thread stack.
struct PostParser {
    private var ancestorLabel = 0
    private var ancestorIndex = 0
    private var ancestry: [Slot] = []
    private var level = 0
    private var stack = StackProbe()

    mutating func process(_ expr: Node) throws(EvalError) -> Node {
        level += 1
        defer { level -= 1 }
        if level > 64, stack.isExhausted() {
            let error = EvalError("S0230", position: expr.position)
            error.message = "The expression is nested too deeply to compile on this thread's stack"
            throw error
        }
        var result: Node
        switch expr.type {
        case .binary:
            result = try processBinary(expr)
        case .unary:
            result = Node(type: .unary, id: expr.id, value: expr.value, position: expr.position)
            if expr.value == "[" {
                for item in expr.expressions {
                    let value = try process(item)
                    pushAncestry(result, value)
                    result.expressions.append(value)
                }
            } else if expr.value == "{" {
                for (key, value) in expr.pairs {
                    let k = try process(key)
                    pushAncestry(result, k)
                    let v = try process(value)
                    pushAncestry(result, v)
                    result.pairs.append((k, v))
                }
                result.constructor = GroupSpec(pairs: result.pairs, position: expr.position)
            } else {
                let operand = try process(expr.expression!)
                result.expression = operand
                if expr.value == "-" && operand.type == .number, case .number(let n) = operand.literal {
                    // fold `-5` into a literal (a new node: the operand may be shared, e.g. by `?:`)
                    result = Node(type: .number, id: operand.id, value: operand.value, position: operand.position)
                    result.literal = .number(-n)
                } else {
                    pushAncestry(result, operand)
                }
            }
        case .function, .partial:
            result = Node(type: expr.type, id: expr.id, value: expr.value, position: expr.position)
            for argument in expr.arguments {
                let processed = try process(argument)
                pushAncestry(result, processed)
                result.arguments.append(processed)
            }
            result.procedure = try process(expr.procedure!)
        case .lambda:
            result = Node(type: .lambda, id: expr.id, value: expr.value, position: expr.position)
            result.arguments = expr.arguments
            result.signature = expr.signature
            let body = try process(expr.body!)
            result.body = tailCallOptimize(body)
        case .condition:
            result = Node(type: .condition, position: expr.position)
            let condition = try process(expr.condition!)
            pushAncestry(result, condition)
            result.condition = condition
            let thenBranch = try process(expr.thenBranch!)
            pushAncestry(result, thenBranch)
            result.thenBranch = thenBranch
            if let elseExpr = expr.elseBranch {
                let elseBranch = try process(elseExpr)
                pushAncestry(result, elseBranch)
                result.elseBranch = elseBranch
            }
        case .transform:
            result = Node(type: .transform, position: expr.position)
            result.pattern = try process(expr.pattern!)
            result.update = try process(expr.update!)
            if let deletion = expr.deletion { result.deletion = try process(deletion) }
        case .block:
            result = Node(type: .block, position: expr.position)
            for item in expr.expressions {
                let part = try process(item)
                pushAncestry(result, part)
                if part.consarray || (part.type == .path && part.steps[0].consarray) { result.consarray = true }
                result.expressions.append(part)
            }
        case .name:
            result = Node(type: .path, position: expr.position)
            result.steps = [expr]
            if expr.keepArray { result.keepSingletonArray = true }
        case .parent:
            result = Node(type: .parent, position: expr.position)
            let slot = Slot(label: "!\(ancestorLabel)", level: 1, index: ancestorIndex)
            ancestorLabel += 1
            ancestorIndex += 1
            result.slot = slot
            ancestry.append(slot)
        case .variable:
            expr.builtin = builtinFunctions[expr.value]
            result = expr
        case .string, .number, .value, .wildcard, .descendant, .regex, .placeholder:
            result = expr
        case .op:
            if expr.value == "and" || expr.value == "or" || expr.value == "in" {
                expr.type = .name
                result = try process(expr)
            } else if expr.value == "?" {
                expr.type = .placeholder
                result = expr
            } else {
                throw EvalError("S0201", position: expr.position, token: expr.value)
            }
        case .end:
            throw EvalError("S0207", position: expr.position, token: expr.value)
        default:
            throw EvalError("S0206", position: expr.position, token: expr.value)
        }
        if expr.keepArray { result.keepArray = true }
        return result
    }

    private mutating func processBinary(_ expr: Node) throws(EvalError) -> Node {
        var result: Node
        switch expr.value {
        case ".":
            let lstep = try process(expr.lhs!)
            if lstep.type == .path {
                result = lstep
            } else {
                result = Node(type: .path, position: lstep.position)
                result.steps = [lstep]
            }
            if lstep.type == .parent { result.seekingParent = [lstep.slot!] }
            let rest = try process(expr.rhs!)
            if rest.type == .path {
                result.steps.append(contentsOf: rest.steps)
            } else {
                if let predicate = rest.predicate {
                    rest.stages = predicate
                    rest.predicate = nil
                }
                result.steps.append(rest)
            }
            for step in result.steps {
                if step.type == .number || step.type == .value {
                    throw EvalError("S0213", position: step.position, value: step.literal)
                }
                if step.type == .string { step.type = .name }
            }
            if result.steps.contains(where: { $0.keepArray }) { result.keepSingletonArray = true }
            if result.steps[0].isArrayConstructor { result.steps[0].consarray = true }
            if let last = result.steps.last, last.isArrayConstructor { last.consarray = true }
            try resolveAncestry(result)
        case "[":
            result = try process(expr.lhs!)
            var step = result
            var isStages = false
            if result.type == .path {
                step = result.steps[result.steps.count - 1]
                isStages = true
            }
            if step.group != nil { throw EvalError("S0209", position: expr.position) }
            let predicate = try process(expr.rhs!)
            if let seeking = predicate.seekingParent {
                for slot in seeking {
                    if slot.level == 1 {
                        _ = try seekParent(step, slot)
                    } else {
                        slot.level -= 1
                    }
                }
                pushAncestry(step, predicate)
            }
            let stage = Stage.filter(predicate, position: expr.position)
            if isStages {
                step.stages = (step.stages ?? []) + [stage]
            } else {
                step.predicate = (step.predicate ?? []) + [stage]
            }
        case "{":
            result = try process(expr.lhs!)
            if result.group != nil { throw EvalError("S0210", position: expr.position) }
            var pairs: [(Node, Node)] = []
            for (key, value) in expr.pairs {
                pairs.append((try process(key), try process(value)))
            }
            result.group = GroupSpec(pairs: pairs, position: expr.position)
        case "^":
            result = try process(expr.lhs!)
            if result.type != .path {
                let path = Node(type: .path, position: result.position)
                path.steps = [result]
                result = path
            }
            let sortStep = Node(type: .sort, position: expr.position)
            for term in expr.terms {
                let expression = try process(term.expression)
                pushAncestry(sortStep, expression)
                sortStep.terms.append(SortTerm(descending: term.descending, expression: expression))
            }
            result.steps.append(sortStep)
            try resolveAncestry(result)
        case ":=":
            result = Node(type: .bind, value: ":=", position: expr.position)
            result.lhs = try process(expr.lhs!)
            result.rhs = try process(expr.rhs!)
            pushAncestry(result, result.rhs!)
        case "@":
            result = try process(expr.lhs!)
            var step = result
            if result.type == .path { step = result.steps[result.steps.count - 1] }
            if step.stages != nil || step.predicate != nil { throw EvalError("S0215", position: expr.position) }
            if step.type == .sort { throw EvalError("S0216", position: expr.position) }
            if expr.keepArray { step.keepArray = true }
            step.focus = expr.rhs!.value
            step.tuple = true
        case "#":
            result = try process(expr.lhs!)
            var step = result
            if result.type == .path {
                step = result.steps[result.steps.count - 1]
            } else {
                let path = Node(type: .path, position: result.position)
                path.steps = [result]
                result = path
                if let predicate = step.predicate {
                    step.stages = predicate
                    step.predicate = nil
                }
            }
            if step.stages == nil {
                step.index = expr.rhs!.value
            } else {
                step.stages!.append(.index(expr.rhs!.value, position: expr.position))
            }
            step.tuple = true
        case "~>":
            result = Node(type: .apply, value: "~>", position: expr.position)
            result.lhs = try process(expr.lhs!)
            result.rhs = try process(expr.rhs!)
        default:
            result = Node(type: .binary, value: expr.value, position: expr.position)
            result.op = BinaryOperator(expr.value)
            result.lhs = try process(expr.lhs!)
            result.rhs = try process(expr.rhs!)
            pushAncestry(result, result.lhs!)
            pushAncestry(result, result.rhs!)
        }
        return result
    }

    /// Marks evaluation shortcuts once the tree is final: single-field paths, and blocks that do
    /// not bind variables at their own level (they can share their parent's scope).
    static func annotate(_ node: Node) {
        var visited = Set<ObjectIdentifier>()
        annotate(node, &visited)
    }

    private static func annotate(_ node: Node, _ visited: inout Set<ObjectIdentifier>) {
        guard visited.insert(ObjectIdentifier(node)).inserted else { return }
        if node.type == .path, node.steps.count == 1, node.group == nil, !node.keepSingletonArray, !node.keepArray,
            node.predicate == nil, !node.tuple
        {
            let step = node.steps[0]
            node.isSimpleField =
                step.type == .name && step.stages == nil && step.predicate == nil && !step.tuple
                && step.group == nil && !step.keepArray && step.focus == nil && step.index == nil && step.ancestor == nil
        }
        if node.type == .block { node.needsFrame = node.expressions.contains(where: bindsInScope) }
        for child in node.children { annotate(child, &visited) }
    }

    /// Does evaluating `node` bind a variable in the current scope (not in a nested block or
    /// function body)?
    private static func bindsInScope(_ node: Node) -> Bool {
        switch node.type {
        case .bind: return true
        case .block: return false
        case .lambda where !node.thunk: return false
        default: return node.children.contains(where: bindsInScope)
        }
    }

    /// Wraps a tail call as a thunk (a parameterless lambda) so `apply` can trampoline it.
    private func tailCallOptimize(_ expr: Node) -> Node {
        switch expr.type {
        case .function where expr.predicate == nil:
            let thunk = Node(type: .lambda, position: expr.position)
            thunk.thunk = true
            thunk.body = expr
            return thunk
        case .condition:
            expr.thenBranch = tailCallOptimize(expr.thenBranch!)
            if let elseBranch = expr.elseBranch { expr.elseBranch = tailCallOptimize(elseBranch) }
            return expr
        case .block:
            if let last = expr.expressions.last {
                expr.expressions[expr.expressions.count - 1] = tailCallOptimize(last)
            }
            return expr
        default:
            return expr
        }
    }

    // MARK: parent operator resolution

    private mutating func seekParent(_ node: Node, _ slot: Slot) throws(EvalError) -> Slot {
        var slot = slot
        switch node.type {
        case .name, .wildcard:
            slot.level -= 1
            if slot.level == 0 {
                if let existing = node.ancestor {
                    // reuse the existing label
                    ancestry[slot.index].label = existing.label
                    node.ancestor = slot
                } else {
                    node.ancestor = slot
                }
                node.tuple = true
            }
        case .parent:
            slot.level += 1
        case .block:
            if let last = node.expressions.last {
                node.tuple = true
                slot = try seekParent(last, slot)
            }
        case .path:
            node.tuple = true
            var index = node.steps.count - 1
            slot = try seekParent(node.steps[index], slot)
            index -= 1
            while slot.level > 0 && index >= 0 {
                slot = try seekParent(node.steps[index], slot)
                index -= 1
            }
        default:
            throw EvalError("S0217", position: node.position, token: node.type.name)
        }
        return slot
    }

    private func pushAncestry(_ result: Node, _ value: Node) {
        guard value.seekingParent != nil || value.type == .parent else { return }
        var slots = value.seekingParent ?? []
        if value.type == .parent, let slot = value.slot { slots.append(slot) }
        if result.seekingParent == nil {
            result.seekingParent = slots
        } else {
            result.seekingParent!.append(contentsOf: slots)
        }
    }

    private mutating func resolveAncestry(_ path: Node) throws(EvalError) {
        let last = path.steps[path.steps.count - 1]
        var slots = last.seekingParent ?? []
        if last.type == .parent, let slot = last.slot { slots.append(slot) }
        for var slot in slots {
            var index = path.steps.count - 2
            while slot.level > 0 {
                if index < 0 {
                    if path.seekingParent == nil { path.seekingParent = [slot] } else { path.seekingParent!.append(slot) }
                    break
                }
                var step = path.steps[index]
                index -= 1
                while index >= 0 && step.focus != nil && path.steps[index].focus != nil {
                    step = path.steps[index]
                    index -= 1
                }
                slot = try seekParent(step, slot)
            }
        }
    }
}
