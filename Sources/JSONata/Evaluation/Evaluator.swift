import Foundation

/// Runs one evaluation of a compiled tree. An evaluator lives for a single `evaluate` call, so
/// its mutable state (depth counter, clock) never crosses threads.
///
/// The structure mirrors the reference implementation's `evaluate` function: every node
/// evaluation goes through `evaluate(_:_:_:)`, which applies the node's predicates and grouping
/// and then collapses evaluator-made sequences (empty → undefined, singleton → the item).
final class Evaluator {
    let limits: JSONataLimits
    /// Milliseconds since the epoch, fixed for the whole evaluation (`$now()`, `$millis()`).
    let timestamp: Double
    private var depth = 0
    private var ticks: UInt32 = 0
    private var loopSteps = 0
    /// Bytes of strings and array items built so far (see `JSONataLimits.maxBuiltBytes`).
    private var built = 0
    /// Heights of large arrays measured so far, by storage address (see `height(of:limit:)`).
    private var measuredArrays: [UnsafeRawPointer: (height: Int, items: [Value])] = [:]
    /// Lowest safe stack address, found the first time the evaluation gets deep.
    private var stackFloor: UInt = 0
    private let deadline: UInt64?

    init(limits: JSONataLimits) {
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

    /// Counts one nesting level for a function call made by the engine rather than by a node
    /// (higher-order functions, comparators, composed functions), which may recurse without
    /// evaluating nodes in between. Pair with `leaveCall()`.
    @inline(__always)
    func enterCall() throws(EvalError) { try enter() }

    @inline(__always)
    func leaveCall() { depth -= 1 }

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

    /// Counts `steps` steps of a loop that evaluates no nodes (building a range, sorting,
    /// searching a string, matching a regex...) and checks the clock every 1,024 steps.
    @inline(__always)
    func poll(_ steps: Int = 1) throws(EvalError) {
        loopSteps &+= steps
        if loopSteps >= 1024 {
            loopSteps = 0
            try checkClock()
        }
    }

    // MARK: - Sizes

    /// Checks a sequence, array or object about to hold `count` items (before it is built
    /// whenever the size is known in advance), and charges its items to the evaluation.
    @inline(__always)
    func checkItems(_ count: Int) throws(EvalError) {
        if count > limits.maxItems { throw tooManyItems(count) }
        try charge(count &* MemoryLayout<Value>.stride)
    }

    /// Checks a size without charging it (for results that reuse items already counted).
    @inline(__always)
    func checkCount(_ count: Int) throws(EvalError) {
        if count > limits.maxItems { throw tooManyItems(count) }
    }

    func tooManyItems(_ count: Int) -> EvalError {
        failure(
            "U1003",
            "The result would hold \(count) items, more than the limit of \(limits.maxItems) (maxItems; the default is \(JSONataLimits.default.maxItems))")
    }

    /// Checks a string about to be built with `bytes` UTF-8 bytes, and charges it.
    @inline(__always)
    func checkString(_ bytes: Int) throws(EvalError) {
        if bytes > limits.maxStringBytes { throw stringTooLong(bytes) }
        try charge(bytes)
    }

    func stringTooLong(_ bytes: Int) -> EvalError {
        failure(
            "U1004",
            "The string would be \(bytes) bytes long, more than the limit of \(limits.maxStringBytes) bytes (maxStringBytes; the default is \(JSONataLimits.default.maxStringBytes), 64 MiB)"
        )
    }

    /// Charges `bytes` built to the evaluation's total.
    @inline(__always)
    func charge(_ bytes: Int) throws(EvalError) {
        built &+= bytes
        if built > limits.maxBuiltBytes {
            throw failure(
                "U1005",
                "The expression built more than \(limits.maxBuiltBytes) bytes of strings and arrays (maxBuiltBytes; the default is \(JSONataLimits.default.maxBuiltBytes), 256 MiB)"
            )
        }
    }

    /// Checks that `value`, about to be placed inside a new array or object, is nested less
    /// than `maxValueNesting` levels deep.
    @inline(__always)
    func checkNesting(_ value: Value?) throws(EvalError) {
        switch value {
        case .array?, .object?:
            if height(of: value!, limit: limits.maxValueNesting) >= limits.maxValueNesting { throw nestedTooDeeply() }
        default:
            break
        }
    }

    /// How deeply arrays and objects nest in `value`: 0 for a scalar, 1 for an array or object
    /// of scalars, and so on, counted no further than `limit` (a cycle, which only the
    /// transform operator can make, counts as `limit`). Objects remember their height, and
    /// the heights of large arrays are remembered for the rest of the evaluation, so placing the same million-item array in many places measures it once.
    /// The cache holds the arrays it measured, so their storage (the key) is not reused.
    private func height(of value: Value, limit: Int) -> Int {
        if limit <= 0 { return 0 }
        switch value {
        case .array(let items, _) where items.count >= 256:
            let key = items.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress!) }
            if let known = measuredArrays[key] { return Swift.min(known.height, limit) }
            var deepest = 0
            for item in items {
                switch item {
                case .array, .object:
                    deepest = Swift.max(deepest, height(of: item, limit: limit - 1))
                    if deepest >= limit - 1 { return limit }
                default:
                    continue
                }
            }
            if measuredArrays.count < 4096 { measuredArrays[key] = (deepest + 1, items) }
            return deepest + 1
        case .array(let items, _):
            var deepest = 0
            for item in items {
                switch item {
                case .array, .object:
                    deepest = Swift.max(deepest, height(of: item, limit: limit - 1))
                    if deepest >= limit - 1 { return limit }
                default:
                    continue
                }
            }
            return deepest + 1
        case .object(let object):
            if object.measuredHeight >= 0 { return Swift.min(object.measuredHeight, limit) }
            var deepest = 0
            for item in object.fields.values {
                switch item {
                case .array, .object:
                    deepest = Swift.max(deepest, height(of: item, limit: limit - 1))
                    if deepest >= limit - 1 { return limit }
                default:
                    continue
                }
            }
            object.measuredHeight = deepest + 1
            return deepest + 1
        default:
            return 0
        }
    }

    /// Checks the final result before it is converted to JSON: no deeper than
    /// `maxValueNesting`, and no more than `maxItems` values in all (a result can repeat one
    /// large part many times without building it again; its JSON form cannot).
    func checkResult(_ result: Value) throws(EvalError) {
        if height(of: result, limit: limits.maxValueNesting + 1) > limits.maxValueNesting { throw nestedTooDeeply() }
        let size = result.size(limit: limits.maxItems)
        if size > limits.maxItems {
            throw failure("U1003", "The result holds more than \(limits.maxItems) values in all (maxItems; the default is \(JSONataLimits.default.maxItems))")
        }
    }

    func nestedTooDeeply() -> EvalError {
        failure(
            "U1002",
            "The value would be nested more than \(limits.maxValueNesting) levels deep (maxValueNesting; the default is \(JSONataLimits.default.maxValueNesting))"
        )
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
        case .wildcard: result = try evaluateWildcard(input)
        case .descendant: result = try evaluateDescendants(input)
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
        guard expr.value.isEmpty else { return env.lookup(expr.value, builtin: expr.builtin) }
        // `$` is the context; a wrapped input array is seen as the array itself
        if case .array(let items, let flags)? = input, flags.contains(.outerWrapper), let first = items.first {
            return first
        }
        return input
    }

    private func evaluateLambda(_ expr: Node, _ input: Value?, _ env: Frame) -> Value? {
        .function(
            .lambda(
                Lambda(
                    body: expr.body!, input: input, env: env, params: expr.arguments.map(\.value),
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
