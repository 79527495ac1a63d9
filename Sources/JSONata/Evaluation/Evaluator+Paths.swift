import OrderedCollections

/// Location paths: steps, predicates, wildcards, descendants and tuple streams.
///
/// A path evaluates its steps left to right, each step once per item of the previous step's
/// results, flattening the results into one sequence. When a step binds a variable (`@$v`,
/// `#$i`) or is the target of a parent operator (`%`), the rest of the path runs as a *tuple
/// stream*: each item travels with the variables bound so far, so later steps can see them.
extension Evaluator {
    func evaluatePath(_ expr: Node, _ input: Value?, _ env: Frame) throws(EvalError) -> Value? {
        // Fast path: a plain field name applied to an object (the most common path by far).
        // The general algorithm would wrap the input in a sequence, look the field up, and
        // unwrap again; the result is the field's value itself.
        if expr.isSimpleField, case .object(let object)? = input {
            return object.fields[expr.steps[0].value]
        }
        var inputItems: [Value]
        var inputIsUndefined = false
        let inputValue: Value
        if let input, case .array(let items, _) = input, expr.steps[0].type != .variable {
            inputItems = items
            inputValue = input
        } else {
            if let input { inputItems = [input] } else { inputItems = []; inputIsUndefined = true }
            inputValue = .sequence(inputItems)
        }

        var resultItems: [Value] = []
        var resultFlags: ArrayFlags = .sequence
        var isTupleStream = false
        var tupleBindings: [Value]?
        let lastIndex = expr.steps.count - 1

        for (index, step) in expr.steps.enumerated() {
            if step.tuple { isTupleStream = true }
            if index == 0 && step.consarray {
                let value = try evaluate(step, inputValue, env)
                switch value {
                case .array(let items, let flags)?: resultItems = items; resultFlags = flags
                case let other?: resultItems = [other]; resultFlags = .sequence
                case nil: resultItems = []; resultFlags = .sequence
                }
            } else if isTupleStream {
                tupleBindings = try evaluateTupleStep(step, inputItems, inputIsUndefined, tupleBindings, env)
            } else {
                (resultItems, resultFlags) = try evaluateStep(step, inputItems, inputIsUndefined, env, lastStep: index == lastIndex)
            }
            if !isTupleStream && resultItems.isEmpty { break }
            if step.focus == nil {
                inputItems = resultItems
                inputIsUndefined = false
            }
        }

        var result: Value
        if isTupleStream {
            let tuples = tupleBindings ?? []
            if expr.tuple {
                result = .array(tuples, [.sequence, .tupleStream])
            } else {
                var items: [Value] = []
                items.reserveCapacity(tuples.count)
                for tuple in tuples { appendDefined(tupleField(tuple, "@"), to: &items) }
                result = .sequence(items)
            }
        } else {
            result = .array(resultItems, resultFlags)
        }

        if expr.keepSingletonArray {
            if case .array(let items, var flags) = result {
                if flags.contains(.cons) && !flags.contains(.sequence) {
                    result = .array([result], [.sequence, .keepSingleton])
                } else {
                    flags.insert(.keepSingleton)
                    result = .array(items, flags)
                }
            }
        }

        if let group = expr.group {
            let groupInput: Value = isTupleStream ? .array(tupleBindings ?? [], [.sequence, .tupleStream]) : result
            return try evaluateGroup(group, groupInput, env)
        }
        return result
    }

    /// Evaluates one step against every item of the input sequence and flattens the results.
    private func evaluateStep(
        _ expr: Node, _ inputs: [Value], _ inputIsUndefined: Bool, _ env: Frame,
        lastStep: Bool
    ) throws(EvalError) -> ([Value], ArrayFlags) {
        if expr.type == .sort {
            var sorted = try sortItems(expr, inputs, tuples: false, env)
            if let stages = expr.stages { sorted = try evaluateStages(stages, sorted, tuples: false, env) }
            return (sorted, .sequence)
        }

        var output: [Value] = []
        var count = 0
        var first: Value?

        func collect(_ res: Value) throws(EvalError) {
            count += 1
            if count == 1 { first = res }
            if case .array(let items, let flags) = res, !flags.contains(.cons) {
                try checkCount(output.count + items.count)
                output.append(contentsOf: items)
            } else {
                output.append(res)
            }
        }

        if inputIsUndefined {
            var res = try evaluate(expr, nil, env)
            if let stages = expr.stages { res = try applyFilterStages(stages, res, env) }
            if let res { try collect(res) }
        } else {
            for item in inputs {
                var res = try evaluate(expr, item, env)
                if let stages = expr.stages { res = try applyFilterStages(stages, res, env) }
                if let res { try collect(res) }
            }
        }
        try checkItems(output.count)

        if lastStep && count == 1, case .array(let items, let flags)? = first, !flags.contains(.sequence) {
            return (items, flags)
        }
        return (output, .sequence)
    }

    private func applyFilterStages(_ stages: [Stage], _ value: Value?, _ env: Frame) throws(EvalError) -> Value? {
        var result = value
        for stage in stages {
            if case .filter(let predicate, _) = stage { result = try evaluateFilter(predicate, result, env) }
        }
        return result
    }

    /// Applies filter and index stages to a (tuple) sequence.
    private func evaluateStages(_ stages: [Stage], _ input: [Value], tuples: Bool, _ env: Frame) throws(EvalError) -> [Value] {
        var result = input
        for stage in stages {
            switch stage {
            case .filter(let predicate, _):
                let flags: ArrayFlags = tuples ? [.sequence, .tupleStream] : .sequence
                let filtered = try evaluateFilter(predicate, .array(result, flags), env)
                result = filtered.arrayItems ?? [filtered]
            case .index(let name, _):
                for (position, tuple) in result.enumerated() {
                    if case .object(let object) = tuple { object.fields[name] = .number(Double(position)) }
                }
            }
        }
        return result
    }

    /// One step of a tuple stream: every output tuple copies its input tuple's bindings and adds
    /// the step's own (`@` context, focus variable, index variable, ancestor label).
    private func evaluateTupleStep(
        _ expr: Node, _ inputs: [Value], _ inputIsUndefined: Bool, _ tupleBindings: [Value]?,
        _ env: Frame
    ) throws(EvalError) -> [Value] {
        if expr.type == .sort {
            var result: [Value]
            if let tupleBindings {
                result = try sortItems(expr, tupleBindings, tuples: true, env)
            } else {
                let sorted = try sortItems(expr, inputs, tuples: false, env)
                result = []
                for (position, item) in sorted.enumerated() {
                    var fields: OrderedDictionary<String, Value> = ["@": item]
                    if let index = expr.index { fields[index] = .number(Double(position)) }
                    result.append(.object(JObject(fields)))
                }
            }
            if let stages = expr.stages { result = try evaluateStages(stages, result, tuples: true, env) }
            return result
        }

        let bindings: [Value]
        if let tupleBindings {
            bindings = tupleBindings
        } else if inputIsUndefined {
            bindings = [.object(JObject())]
        } else {
            bindings = inputs.map { .object(JObject(["@": $0])) }
        }

        var result: [Value] = []
        for tuple in bindings {
            guard case .object(let tupleObject) = tuple else { continue }
            let stepEnv = frame(from: tuple, parent: env)
            let context = tupleObject.fields["@"]
            guard let res = try evaluate(expr, context, stepEnv) else { continue }
            let items: [Value]
            var resIsTuples = false
            if case .array(let array, let flags) = res {
                items = array
                resIsTuples = flags.contains(.tupleStream)
            } else {
                items = [res]
            }
            try checkItems(result.count + items.count)
            for (position, item) in items.enumerated() {
                var fields = tupleObject.fields
                if resIsTuples {
                    if case .object(let inner) = item {
                        for (key, value) in inner.fields { fields[key] = value }
                    }
                } else {
                    if let focus = expr.focus {
                        fields[focus] = item
                        fields["@"] = context
                    } else {
                        fields["@"] = item
                    }
                    if let index = expr.index { fields[index] = .number(Double(position)) }
                    if let ancestor = expr.ancestor { fields[ancestor.label] = context }
                }
                result.append(.object(JObject(fields)))
            }
        }
        if let stages = expr.stages { result = try evaluateStages(stages, result, tuples: true, env) }
        return result
    }

    func tupleField(_ tuple: Value, _ key: String) -> Value? {
        if case .object(let object) = tuple { return object.fields[key] }
        return nil
    }

    /// A predicate `[expr]`: a number selects by position (negative counts from the end), an
    /// array of numbers selects several positions, anything else filters by truthiness.
    func evaluateFilter(_ predicate: Node, _ input: Value?, _ env: Frame) throws(EvalError) -> Value {
        var flags: ArrayFlags = .sequence
        let items: [Value]
        var isTuples = false
        switch input {
        case .array(let array, let inputFlags)?:
            items = array
            if inputFlags.contains(.tupleStream) {
                flags.insert(.tupleStream)
                isTuples = true
            }
        case let value?: items = [value]
        case nil: items = []
        }
        var results: [Value] = []
        if predicate.type == .number, case .number(let n) = predicate.literal {
            var index = saturatingInt(n.rounded(.down))
            if index < 0 { index += items.count }
            if index >= 0 && index < items.count {
                let item = items[index]
                if item.isArray { return item }
                results.append(item)
            }
            return .array(results, flags)
        }
        for (index, item) in items.enumerated() {
            var context: Value? = item
            var itemEnv = env
            if isTuples {
                context = tupleField(item, "@")
                itemEnv = frame(from: item, parent: env)
            }
            guard let res = try evaluate(predicate, context, itemEnv) else { continue }
            if let n = try numericValue(res) {
                var position = saturatingInt(n.rounded(.down))
                if position < 0 { position += items.count }
                if position == index { results.append(item) }
            } else if case .array(let values, _) = res, try isArrayOfNumbers(values) {
                for value in values {
                    guard case .number(let n) = value else { continue }
                    var position = saturatingInt(n.rounded(.down))
                    if position < 0 { position += items.count }
                    if position == index { results.append(item) }
                }
            } else if res.truthy {
                results.append(item)
            }
        }
        return .array(results, flags)
    }

    /// `fn.lookup`: a field of an object, or of every object in an array (flattened).
    func lookupField(_ input: Value?, _ key: String) -> Value? {
        switch input {
        case .object(let object)?:
            return object.fields[key]
        case .array(let items, _)?:
            var results: [Value] = []
            for item in items {
                guard let res = lookupField(item, key) else { continue }
                if case .array(let inner, _) = res {
                    results.append(contentsOf: inner)
                } else {
                    results.append(res)
                }
            }
            return .sequence(results)
        default:
            return nil
        }
    }

    /// `*`: the values of every field, arrays flattened.
    ///
    /// An array is treated as the reference treats it (a JavaScript object whose keys are its
    /// indexes), so `*` on `[1, 2, 3]` is `[1, 2, 3]`.
    func evaluateWildcard(_ input: Value?) throws(EvalError) -> Value? {
        var input = input
        if case .array(let items, let flags)? = input, flags.contains(.outerWrapper), let first = items.first {
            input = first
        }
        let values: [Value]
        switch input {
        case .object(let object)?: values = Array(object.fields.values)
        case .array(let items, _)?: values = items
        default: return .sequence()
        }
        var results: [Value] = []
        var plain = false
        for value in values {
            if case .array = value {
                try flatten(value, into: &results)
                plain = true
            } else {
                results.append(value)
            }
        }
        try checkItems(results.count)
        return .array(results, plain ? [] : .sequence)
    }

    private func flatten(_ value: Value, into results: inout [Value]) throws(EvalError) {
        if case .array(let items, _) = value {
            try checkCount(results.count + items.count)
            for item in items { try flatten(item, into: &results) }
        } else {
            results.append(value)
        }
    }

    /// `**`: this value and all values nested inside it, depth first.
    func evaluateDescendants(_ input: Value?) throws(EvalError) -> Value? {
        guard let input else { return nil }
        var results: [Value] = []
        try recurseDescendants(input, into: &results)
        try checkItems(results.count)
        return results.count == 1 ? results[0] : .sequence(results)
    }

    private func recurseDescendants(_ input: Value, into results: inout [Value]) throws(EvalError) {
        switch input {
        case .array(let items, _):
            try checkCount(results.count + items.count)
            for item in items { try recurseDescendants(item, into: &results) }
        case .object(let object):
            try checkCount(results.count + object.fields.count)
            results.append(input)
            for value in object.fields.values { try recurseDescendants(value, into: &results) }
        default:
            results.append(input)
        }
    }
}

func isArrayOfNumbers(_ items: [Value]) throws(EvalError) -> Bool {
    for item in items where try numericValue(item) == nil { return false }
    return true
}

func isArrayOfStrings(_ items: [Value]) -> Bool {
    items.allSatisfy {
        if case .string = $0 { return true }; return false
    }
}
