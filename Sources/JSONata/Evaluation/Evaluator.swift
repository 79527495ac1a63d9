import Foundation

/// Runs one evaluation of a compiled tree. An evaluator lives for a single `evaluate` call, so
/// its mutable state (depth counter, clock) never crosses threads.
///
/// The structure mirrors the reference implementation's `evaluate` function: every node
/// evaluation goes through `evaluate(_:_:_:)`, which applies the node's predicates and grouping
/// and then collapses evaluator-made sequences (empty → undefined, singleton → the item).
final class Evaluator {
    let limits: EvaluationLimits
    /// Milliseconds since the epoch, fixed for the whole evaluation (`$now()`, `$millis()`).
    let timestamp: Double
    private var depth = 0
    private var ticks: UInt32 = 0
    /// Lowest safe stack address, found the first time the evaluation gets deep.
    private var stackFloor: UInt = 0
    private let deadline: UInt64?

    init(limits: EvaluationLimits) {
        self.limits = limits
        timestamp = (Date().timeIntervalSince1970 * 1000).rounded(.down)
        if let timeout = limits.timeout {
            let nanos = UInt64(max(0, timeout.components.seconds)) * 1_000_000_000 + UInt64(max(0, timeout.components.attoseconds / 1_000_000_000))
            deadline = DispatchTime.now().uptimeNanoseconds &+ nanos
        } else {
            deadline = nil
        }
    }

    // MARK: - Limits

    @inline(__always)
    private func enter() throws(EvalError) {
        depth += 1
        if depth > limits.maxDepth { throw stackOverflow() }
        if depth > 64 {
            if stackFloor == 0 { stackFloor = max(1, StackGuard.lowestSafeAddress()) }
            if StackGuard.currentAddress() < stackFloor { throw stackOverflow() }
        }
        ticks &+= 1
        if ticks & 0x3F == 0 { try checkClock() }
    }

    private func stackOverflow() -> EvalError {
        let error = EvalError("U1001")
        error.message = "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive."
        return error
    }

    func checkClock() throws(EvalError) {
        if let deadline, DispatchTime.now().uptimeNanoseconds > deadline {
            let error = EvalError("U1001")
            error.message = "Expression evaluation timeout: Check for infinite loop"
            throw error
        }
    }

    // MARK: - Dispatch

    func evaluate(_ expr: Node, _ input: Value?, _ env: Frame) throws(EvalError) -> Value? {
        try enter()
        defer { depth -= 1 }
        // Each kind is handled in its own function: this one recurses for every node, and in a
        // debug build a frame reserves room for the locals of every case it contains.
        let result: Value?
        switch expr.type {
        case .path: result = try evaluatePath(expr, input, env)
        case .binary: result = try evaluateBinary(expr, input, env)
        case .unary: result = try evaluateUnary(expr, input, env)
        case .name: result = lookupField(input, expr.value)
        case .string, .number, .value: result = expr.literal
        case .wildcard: result = evaluateWildcard(input)
        case .descendant: result = evaluateDescendants(input)
        case .parent: result = env.lookup(expr.slot!.label)
        case .condition: result = try evaluateCondition(expr, input, env)
        case .block: result = try evaluateBlock(expr, input, env)
        case .bind: result = try evaluateBind(expr, input, env)
        case .regex: result = .function(.regex(expr.regex!))
        case .function: result = try evaluateFunction(expr, input, env, applyTo: nil)
        case .variable: result = evaluateVariable(expr, input, env)
        case .lambda: result = evaluateLambda(expr, input, env)
        case .partial: result = try evaluatePartialApplication(expr, input, env)
        case .apply: result = try evaluateApply(expr, input, env)
        case .sort: result = try evaluateSort(expr, input, env)
        case .transform: result = evaluateTransform(expr, env)
        case .op, .end, .placeholder: result = nil
        }
        if expr.predicate == nil && expr.group == nil && !result.isSequence { return result }
        return try finish(expr, result, env)
    }

    /// Applies a node's predicates and grouping, then collapses an evaluator-made sequence:
    /// empty becomes undefined and a singleton becomes its item (unless `[]` asked to keep it).
    @inline(never)
    private func finish(_ expr: Node, _ value: Value?, _ env: Frame) throws(EvalError) -> Value? {
        var result = value
        if let predicate = expr.predicate {
            for stage in predicate {
                if case .filter(let filter, _) = stage { result = try evaluateFilter(filter, result, env) }
            }
        }
        if expr.type != .path, let group = expr.group {
            result = try evaluateGroup(group, result, env)
        }
        if case .array(let items, var flags) = result, flags.contains(.sequence), !flags.contains(.tupleStream) {
            if expr.keepArray { flags.insert(.keepSingleton) }
            if items.isEmpty {
                result = nil
            } else if items.count == 1 {
                result = flags.contains(.keepSingleton) ? .array(items, flags) : items[0]
            } else if expr.keepArray {
                result = .array(items, flags)
            }
        }
        return result
    }

    private func evaluateCondition(_ expr: Node, _ input: Value?, _ env: Frame) throws(EvalError) -> Value? {
        let condition = try evaluate(expr.condition!, input, env)
        if condition?.truthy ?? false {
            return try evaluate(expr.thenBranch!, input, env)
        } else if let elseBranch = expr.elseBranch {
            return try evaluate(elseBranch, input, env)
        }
        return nil
    }

    private func evaluateBlock(_ expr: Node, _ input: Value?, _ env: Frame) throws(EvalError) -> Value? {
        let frame = expr.needsFrame ? Frame(parent: env) : env
        var result: Value?
        for item in expr.expressions { result = try evaluate(item, input, frame) }
        return result
    }

    private func evaluateBind(_ expr: Node, _ input: Value?, _ env: Frame) throws(EvalError) -> Value? {
        let result = try evaluate(expr.rhs!, input, env)
        env.bind(expr.lhs!.value, result)
        return result
    }

    private func evaluateVariable(_ expr: Node, _ input: Value?, _ env: Frame) -> Value? {
        guard expr.value.isEmpty else { return env.lookup(expr.value) }
        // `$` is the context; a wrapped input array is seen as the array itself
        if case .array(let items, let flags)? = input, flags.contains(.outerWrapper), let first = items.first {
            return first
        }
        return input
    }

    private func evaluateLambda(_ expr: Node, _ input: Value?, _ env: Frame) -> Value? {
        .function(.lambda(Lambda(body: expr.body!, input: input, env: env, params: expr.arguments.map(\.value),
                                 signature: expr.signature, isThunk: expr.thunk)))
    }

    private func evaluateSort(_ expr: Node, _ input: Value?, _ env: Frame) throws(EvalError) -> Value? {
        let items: [Value] = input.map { $0.arrayItems ?? [$0] } ?? []
        return .sequence(try sortItems(expr, items, tuples: input?.isTupleStream ?? false, env))
    }

    // MARK: - Frames from tuples

    func frame(from tuple: Value, parent: Frame) -> Frame {
        let frame = Frame(parent: parent)
        if case .object(let object) = tuple {
            for (key, value) in object.fields { frame.bind(key, value) }
        }
        return frame
    }
}

/// `isNumeric` of the reference: a number that is not NaN; an infinite number raises D1001.
@inline(__always)
func numericValue(_ value: Value) throws(EvalError) -> Double? {
    guard case .number(let n) = value, !n.isNaN else { return nil }
    if !n.isFinite { throw EvalError("D1001", value: value) }
    return n
}
