import Foundation
import SkeinJSON

/// Function invocation, partial application, the `~>` operator and the transform operator.
extension Evaluator {
    func evaluateFunction(_ expr: Node, _ input: Value?, _ env: Frame, applyTo: Value??) throws(EvalError) -> Value? {
        let procedure = expr.procedure!
        let proc = try evaluate(procedure, input, env)
        if proc == nil, procedure.type == .path, env.lookup(procedure.steps[0].value) != nil {
            // the user probably forgot the leading `$`
            throw EvalError("T1005", position: expr.position, token: procedure.steps[0].value)
        }
        var args: [Value?] = []
        args.reserveCapacity(expr.arguments.count + 1)
        if let applyTo { args.append(applyTo) }
        for argument in expr.arguments { args.append(try evaluate(argument, input, env)) }
        let name = procedure.type == .path ? procedure.steps[0].value : procedure.value
        do {
            return try apply(proc, args, input, env, token: name, position: expr.position)
        } catch let error {
            if error.position == nil { error.position = expr.position }
            if error.token == nil { error.token = name }
            throw error
        }
    }

    /// Applies a function, then keeps applying while the result is a tail-call thunk (the
    /// trampoline that makes tail recursion run without growing the stack).
    func apply(
        _ proc: Value?, _ args: [Value?], _ input: Value?, _ env: Frame,
        token: String? = nil, position: Int? = nil
    ) throws(EvalError) -> Value? {
        var result = try applyInner(proc, args, input, env, token: token, position: position)
        while case .function(.lambda(let thunk))? = result, thunk.isThunk {
            let call = thunk.body
            let procedure = call.procedure!
            let next = try evaluate(procedure, thunk.input, thunk.env)
            var nextArgs: [Value?] = []
            nextArgs.reserveCapacity(call.arguments.count)
            for argument in call.arguments { nextArgs.append(try evaluate(argument, thunk.input, thunk.env)) }
            let nextToken = procedure.type == .variable ? procedure.value : (procedure.type == .path ? procedure.steps[0].value : token)
            result = try applyInner(next, nextArgs, input, env, token: nextToken, position: procedure.position)
        }
        return result
    }

    private func applyInner(
        _ proc: Value?, _ args: [Value?], _ input: Value?, _ env: Frame,
        token: String?, position: Int?
    ) throws(EvalError) -> Value? {
        do throws(EvalError) {
            guard case .function(let function)? = proc else { throw EvalError("T1006") }
            switch function {
            case .lambda(let lambda):
                var validated = args
                if let signature = lambda.signature { validated = try signature.validate(args, context: input) }
                let frame = Frame(parent: lambda.env, capacity: lambda.params.count)
                for (index, name) in lambda.params.enumerated() {
                    frame.bind(name, index < validated.count ? validated[index] : nil)
                }
                return try evaluate(lambda.body, lambda.input, frame)
            case .native(let native):
                var validated = args
                if let signature = native.signature { validated = try signature.validate(args, context: input) }
                // a native function can call functions without evaluating a node in between
                // (composed functions call each other directly), so it counts one level
                try enterCall()
                defer { leaveCall() }
                return try native.body(self, validated, CallContext(input: input, env: env, token: token, position: position))
            case .partialNative(let partial):
                var filled = partial.arguments
                for (slot, hole) in partial.holes.enumerated() {
                    filled[hole] = slot < args.count ? args[slot] : nil
                }
                var validated = filled
                if let signature = partial.native.signature { validated = try signature.validate(filled, context: input) }
                try enterCall()
                defer { leaveCall() }
                return try partial.native.body(self, validated, CallContext(input: input, env: env, token: token, position: position))
            case .regex(let regex):
                guard case .string(let text)? = args.first ?? nil else { return nil }
                return try regexMatchObject(regex, Array(text.utf16), from: 0, position: position)
            }
        } catch let error {
            if proc != nil {
                if error.token == nil { error.token = token }
                if let position { error.position = position }
            }
            throw error
        }
    }

    /// Calls a function value from a higher-order built-in, passing as many of `args` as the
    /// function declares (the value, then the index/key, then the whole collection).
    func callback(_ function: Value, _ args: [Value?], _ env: Frame) throws(EvalError) -> Value? {
        var arity = args.count
        if case .function(let callable) = function { arity = callable.arity }
        let supplied = arity >= args.count ? args : Array(args.prefix(max(1, arity)))
        return try apply(function, supplied, nil, env)
    }

    /// `callback(function, [item, .number(index), collection], env)`, building only the
    /// arguments the function declares (one array instead of two for most callbacks).
    func callback(_ function: Value, item: Value, index: Int, of collection: Value, _ env: Frame) throws(EvalError) -> Value? {
        var arity = 3
        if case .function(let callable) = function { arity = callable.arity }
        var args: [Value?]
        if arity <= 1 {
            args = [item]
        } else if arity == 2 {
            args = [item, .number(Double(index))]
        } else {
            args = [item, .number(Double(index)), collection]
        }
        return try apply(function, args, nil, env)
    }

    func evaluatePartialApplication(_ expr: Node, _ input: Value?, _ env: Frame) throws(EvalError) -> Value? {
        var args: [Value?] = []
        var holes: [Int] = []
        for (index, argument) in expr.arguments.enumerated() {
            if argument.type == .placeholder {
                args.append(nil)
                holes.append(index)
            } else {
                args.append(try evaluate(argument, input, env))
            }
        }
        let procedure = expr.procedure!
        let proc = try evaluate(procedure, input, env)
        if proc == nil, procedure.type == .path, env.lookup(procedure.steps[0].value) != nil {
            throw EvalError("T1007", position: expr.position, token: procedure.steps[0].value)
        }
        switch proc {
        case .function(.lambda(let lambda))?:
            let frame = Frame(parent: lambda.env)
            var unbound: [String] = []
            for (index, name) in lambda.params.enumerated() {
                if index < args.count, holes.contains(index) {
                    unbound.append(name)
                } else {
                    frame.bind(name, index < args.count ? args[index] : nil)
                }
            }
            return .function(
                .lambda(
                    Lambda(
                        body: lambda.body, input: lambda.input, env: frame, params: unbound,
                        signature: nil, isThunk: false)))
        case .function(.native(let native))?:
            return .function(.partialNative(PartialNative(native: native, arguments: args, holes: holes)))
        case .function(.partialNative(let inner))?:
            // fill the inner holes with the new arguments, keeping new placeholders open
            var filled = inner.arguments
            var newHoles: [Int] = []
            for (slot, hole) in inner.holes.enumerated() {
                if slot < args.count {
                    filled[hole] = args[slot]
                    if holes.contains(slot) { newHoles.append(hole) }
                }
            }
            return .function(.partialNative(PartialNative(native: inner.native, arguments: filled, holes: newHoles)))
        default:
            let name = procedure.type == .path ? procedure.steps[0].value : procedure.value
            throw EvalError("T1008", position: expr.position, token: name)
        }
    }

    /// `lhs ~> rhs`: call `rhs` with `lhs` as its first argument, or compose two functions.
    func evaluateApply(_ expr: Node, _ input: Value?, _ env: Frame) throws(EvalError) -> Value? {
        let lhs = try evaluate(expr.lhs!, input, env)
        let rhs = expr.rhs!
        if rhs.type == .function {
            let result = try evaluateFunction(rhs, input, env, applyTo: .some(lhs))
            if rhs.keepArray, case .array(let items, var flags)? = result, flags.contains(.sequence) {
                flags.insert(.keepSingleton)
                return .array(items, flags)
            }
            return result
        }
        let function = try evaluate(rhs, input, env)
        guard case .function? = function else {
            throw EvalError("T2006", position: expr.position, value: function)
        }
        if case .function? = lhs {
            // function chaining: λ($x){ rhs(lhs($x)) }
            let first = lhs
            let composed = NativeFunction(name: "", signature: nil, arity: 1) { evaluator, args, context throws(EvalError) in
                let intermediate = try evaluator.apply(first, [args.first ?? nil], nil, context.env)
                return try evaluator.apply(function, [intermediate], nil, context.env)
            }
            return .function(.native(composed))
        }
        return try apply(function, [lhs], nil, env)
    }

    /// `|pattern|update[, delete]|` evaluates to a function that copies its argument and applies
    /// the update (and deletion) to every object the pattern selects in the copy.
    func evaluateTransform(_ expr: Node, _ env: Frame) -> Value {
        let transformer = NativeFunction(name: "", signature: transformSignature, arity: 1) { evaluator, args, _ throws(EvalError) in
            guard let object = args.first ?? nil else { return nil }
            let clone = env.lookup("clone")
            guard case .function? = clone else { throw EvalError("T2013", position: expr.position) }
            let result = try evaluator.apply(clone, [object], nil, env)
            guard let matches = try evaluator.evaluate(expr.pattern!, result, env) else { return result }
            let list = matches.arrayItems ?? [matches]
            for match in list {
                if let update = try evaluator.evaluate(expr.update!, match, env) {
                    guard case .object(let changes) = update else {
                        throw EvalError("T2011", position: expr.update!.position, value: update)
                    }
                    if case .object(let target) = match {
                        for (key, value) in changes.fields { target.fields[key] = value }
                    }
                }
                if let deletion = expr.deletion, let deletions = try evaluator.evaluate(deletion, match, env) {
                    try evaluator.poll()
                    let names = deletions.arrayItems ?? [deletions]
                    guard isArrayOfStrings(names) else {
                        throw EvalError("T2012", position: deletion.position, value: deletions)
                    }
                    if case .object(let target) = match {
                        for case .string(let name) in names { target.fields.removeValue(forKey: name) }
                    }
                }
            }
            // The updates changed objects in place: measure the copy afresh (an update that
            // puts an object inside itself makes a cycle, which measures as too deep).
            if let result, result.remeasureHeight(limit: evaluator.limits.maxValueNesting + 1) > evaluator.limits.maxValueNesting {
                throw evaluator.nestedTooDeeply()
            }
            return result
        }
        return .function(.native(transformer))
    }
}

let transformSignature = try! Signature(parsing: "<(oa):o>")

/// `$string()` of a value: strings unchanged, functions empty, everything else as JSON with
/// numbers rounded to 15 significant digits, no longer than the evaluator's `maxStringBytes`.
func stringify(_ value: Value, pretty: Bool = false, limitedBy evaluator: Evaluator) throws(EvalError) -> String {
    switch value {
    case .string(let s): return s
    case .function: return ""
    case .number(let n):
        if !n.isFinite { throw EvalError("D3001", value: value) }
        return JSON.format(number: toPrecision15(n))
    default:
        if value.containsNonFinite {
            throw EvalError("D1001", value: .number(.infinity))
        }
        var output = ""
        let budget = evaluator.limits.maxStringBytes
        value.writeJSON(to: &output, precision15: true, indent: pretty ? 2 : nil, level: 0, budget: budget)
        try evaluator.checkString(output.utf8.count)
        return output
    }
}
