import OrderedCollections

/// Operators, constructors, grouping and sorting.
extension Evaluator {
    func evaluateBinary(_ expr: Node, _ input: Value?, _ env: Frame) throws(EvalError) -> Value? {
        let lhs = try evaluate(expr.lhs!, input, env)
        guard let op = expr.op else { return nil }
        // `and` / `or` short-circuit: the right side is only evaluated when needed
        switch op {
        case .and:
            guard lhs?.truthy ?? false else { return .bool(false) }
            return .bool(try evaluate(expr.rhs!, input, env)?.truthy ?? false)
        case .or:
            if lhs?.truthy ?? false { return .bool(true) }
            return .bool(try evaluate(expr.rhs!, input, env)?.truthy ?? false)
        default:
            break
        }
        let rhs = try evaluate(expr.rhs!, input, env)
        do {
            return try binaryOperation(op, lhs, rhs)
        } catch let error {
            error.position = expr.position
            error.token = expr.value
            throw error
        }
    }

    private func binaryOperation(_ op: BinaryOperator, _ lhs: Value?, _ rhs: Value?) throws(EvalError) -> Value? {
        switch op {
        case .add, .subtract, .multiply, .divide, .modulo:
            var l: Double?
            var r: Double?
            if let lhs {
                l = try numericValue(lhs)
                if l == nil { throw EvalError("T2001", value: lhs) }
            }
            if let rhs {
                r = try numericValue(rhs)
                if r == nil { throw EvalError("T2002", value: rhs) }
            }
            guard let l, let r else { return nil }
            switch op {
            case .add: return .number(l + r)
            case .subtract: return .number(l - r)
            case .multiply: return .number(l * r)
            case .divide: return .number(l / r)
            default: return .number(l.truncatingRemainder(dividingBy: r))
            }
        case .equal, .notEqual:
            guard let lhs, let rhs else { return .bool(false) }
            let equal = deepEqual(lhs, rhs)
            return .bool(op == .equal ? equal : !equal)
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            let lComparable = lhs.map(isComparable) ?? true
            let rComparable = rhs.map(isComparable) ?? true
            if !lComparable || !rComparable {
                let culprit = (lhs.map(isComparable) ?? false) ? rhs : lhs
                throw EvalError("T2010", value: culprit)
            }
            guard let lhs, let rhs else { return nil }
            switch (lhs, rhs) {
            case (.number(let a), .number(let b)):
                switch op {
                case .less: return .bool(a < b)
                case .lessOrEqual: return .bool(a <= b)
                case .greater: return .bool(a > b)
                default: return .bool(a >= b)
                }
            case (.string(let a), .string(let b)):
                let order = jsCompare(a, b)
                switch op {
                case .less: return .bool(order < 0)
                case .lessOrEqual: return .bool(order <= 0)
                case .greater: return .bool(order > 0)
                default: return .bool(order >= 0)
                }
            default:
                let error = EvalError("T2009", value: lhs)
                error.value2 = rhs
                throw error
            }
        case .concat:
            let l = try lhs.map { v throws(EvalError) in try stringify(v, limitedBy: self) } ?? ""
            let r = try rhs.map { v throws(EvalError) in try stringify(v, limitedBy: self) } ?? ""
            try checkString(l.utf8.count + r.utf8.count)
            return .string(l + r)
        case .range:
            return try rangeSequence(lhs, rhs)
        case .in:
            guard let lhs, let rhs else { return .bool(false) }
            if case .array(let items, _) = rhs {
                for item in items {
                    try poll()
                    if deepEqual(item, lhs) { return .bool(true) }
                }
                return .bool(false)
            }
            return .bool(deepEqual(rhs, lhs))
        case .and, .or:
            return nil
        }
    }

    private func isComparable(_ value: Value) -> Bool {
        switch value {
        case .string, .number: return true
        default: return false
        }
    }

    private func rangeSequence(_ lhs: Value?, _ rhs: Value?) throws(EvalError) -> Value? {
        var low: Double?
        var high: Double?
        if let lhs {
            guard case .number(let n) = lhs, n == n.rounded(), n.isFinite else { throw EvalError("T2003", value: lhs) }
            low = n
        }
        if let rhs {
            guard case .number(let n) = rhs, n == n.rounded(), n.isFinite else { throw EvalError("T2004", value: rhs) }
            high = n
        }
        guard let low, let high, low <= high else { return nil }
        // checked before anything is allocated
        let size = high - low + 1
        if size > Double(limits.maxItems) {
            let error = EvalError("D2014", value: .number(size))
            if limits.maxItems != 10_000_000 {
                error.message =
                    "The size of the sequence allocated by the range operator (..) must not exceed \(limits.maxItems) (maxItems).  Attempted to allocate \(Value.number(size).plainString())."
            }
            throw error
        }
        let count = Int(size)
        try checkItems(count)
        try poll(count)
        var items: [Value] = []
        items.reserveCapacity(count)
        for offset in 0..<count { items.append(.number(low + Double(offset))) }
        return .sequence(items)
    }

    func evaluateUnary(_ expr: Node, _ input: Value?, _ env: Frame) throws(EvalError) -> Value? {
        switch expr.value {
        case "-":
            guard let value = try evaluate(expr.expression!, input, env) else { return nil }
            if let n = try numericValue(value) { return .number(-n) }
            throw EvalError("D1002", position: expr.position, token: "-", value: value)
        case "[":
            var items: [Value] = []
            for item in expr.expressions {
                guard let value = try evaluate(item, input, env) else { continue }
                if item.isArrayConstructor {
                    try checkNesting(value)
                    items.append(value)
                } else if case .array(let inner, _) = value {
                    try checkCount(items.count + inner.count)
                    items.append(contentsOf: inner)
                } else {
                    try checkNesting(value)
                    items.append(value)
                }
            }
            try checkItems(items.count)
            return .array(items, expr.consarray ? .cons : [])
        case "{":
            return try evaluateGroup(expr.constructor!, input, env)
        default:
            return nil
        }
    }

    /// Object construction and grouping: each key expression is evaluated per input item, items
    /// with the same key are gathered, then the value expression runs once per key over its group.
    func evaluateGroup(_ group: GroupSpec, _ input: Value?, _ env: Frame) throws(EvalError) -> Value {
        let reduce = input?.isTupleStream ?? false
        var items: [Value?]
        switch input {
        case .array(let array, _)?: items = array
        case let value?: items = [value]
        case nil: items = []
        }
        if items.isEmpty { items = [nil] }
        if !reduce && items.count == 1 {
            return try constructObject(group, items[0], env)
        }

        var groups = OrderedDictionary<String, (data: Value?, exprIndex: Int)>()
        for item in items {
            let itemEnv = reduce && item != nil ? frame(from: item!, parent: env) : env
            let context = reduce ? item.flatMap { tupleField($0, "@") } : item
            for (pairIndex, pair) in group.pairs.enumerated() {
                let key = try evaluate(pair.0, context, itemEnv)
                guard let key else { continue }
                guard case .string(let name) = key else {
                    throw EvalError("T1003", position: group.position, value: key)
                }
                if let existing = groups[name] {
                    if existing.exprIndex != pairIndex {
                        throw EvalError("D1009", position: group.position, value: key)
                    }
                    groups[name]!.data = appendValues(existing.data, item)
                } else {
                    groups[name] = (item, pairIndex)
                }
            }
        }

        var result = OrderedDictionary<String, Value>(minimumCapacity: groups.count)
        for (key, entry) in groups {
            var context = entry.data
            var groupEnv = env
            if reduce, let data = entry.data {
                var tuple = reduceTupleStream(data)
                context = tuple.removeValue(forKey: "@")
                groupEnv = frame(from: .object(JObject(tuple)), parent: env)
            }
            if let value = try evaluate(group.pairs[entry.exprIndex].1, context, groupEnv) {
                try checkNesting(value)
                result[key] = value
            }
        }
        return .object(JObject(result))
    }

    /// The common case of `evaluateGroup`: one context item (an object constructor applied to a
    /// single value). Every key is evaluated first, then every value, as in the general case, but
    /// without building groups.
    private func constructObject(_ group: GroupSpec, _ item: Value?, _ env: Frame) throws(EvalError) -> Value {
        if let template = group.literalKeys {
            // literal keys: no key to evaluate, none repeated; fill in the values in order
            var fields = template
            var undefined: [Int] = []
            for (index, pair) in group.pairs.enumerated() {
                if let value = try evaluate(pair.1, item, env) {
                    try checkNesting(value)
                    fields.values[index] = value
                } else {
                    undefined.append(index)
                }
            }
            for index in undefined.reversed() { fields.remove(at: index) }
            return .object(JObject(fields))
        }
        var keys: [(name: String, pair: Int)] = []
        keys.reserveCapacity(group.pairs.count)
        for (pairIndex, pair) in group.pairs.enumerated() {
            guard let key = try evaluate(pair.0, item, env) else { continue }
            guard case .string(let name) = key else {
                throw EvalError("T1003", position: group.position, value: key)
            }
            // with a single item, the only way to meet a key twice is from two different pairs
            if keys.contains(where: { $0.name == name }) {
                throw EvalError("D1009", position: group.position, value: key)
            }
            keys.append((name, pairIndex))
        }
        var result = OrderedDictionary<String, Value>(minimumCapacity: keys.count)
        for (name, pairIndex) in keys {
            if let value = try evaluate(group.pairs[pairIndex].1, item, env) {
                try checkNesting(value)
                result[name] = value
            }
        }
        return .object(JObject(result))
    }

    private func reduceTupleStream(_ data: Value) -> OrderedDictionary<String, Value> {
        guard case .array(let tuples, _) = data else {
            if case .object(let object) = data { return object.fields }
            return [:]
        }
        var result = OrderedDictionary<String, Value>()
        for (position, tuple) in tuples.enumerated() {
            guard case .object(let object) = tuple else { continue }
            if position == 0 {
                result = object.fields
                continue
            }
            for (key, value) in object.fields {
                result[key] = appendValues(result[key], value)
            }
        }
        return result
    }

    /// Sorts for `^(...)`: terms are evaluated once per item, then a stable merge sort runs.
    func sortItems(_ expr: Node, _ items: [Value], tuples: Bool, _ env: Frame) throws(EvalError) -> [Value] {
        if items.count <= 1 { return items }
        var keys: [[Value?]] = []
        keys.reserveCapacity(items.count)
        for item in items {
            var context: Value? = item
            var itemEnv = env
            if tuples {
                context = tupleField(item, "@")
                itemEnv = frame(from: item, parent: env)
            }
            var row: [Value?] = []
            for term in expr.terms { row.append(try evaluate(term.expression, context, itemEnv)) }
            keys.append(row)
        }
        let position = expr.position
        let terms = expr.terms
        let order = try mergeSort(Array(items.indices)) { (a: Int, b: Int) throws(EvalError) -> Bool in
            try self.poll()
            var comparison = 0
            for (termIndex, term) in terms.enumerated() where comparison == 0 {
                let aa = keys[a][termIndex]
                let bb = keys[b][termIndex]
                guard let aa else { comparison = bb == nil ? 0 : 1; continue }
                guard let bb else { comparison = -1; continue }
                switch (aa, bb) {
                case (.number(let x), .number(let y)):
                    if x == y { continue }
                    comparison = x < y ? -1 : 1
                case (.string(let x), .string(let y)):
                    let c = jsCompare(x, y)
                    if c == 0 { continue }
                    comparison = c
                case (.number, .string), (.string, .number):
                    let error = EvalError("T2007", position: position, value: aa)
                    error.value2 = bb
                    throw error
                default:
                    let culprit: Value
                    switch aa {
                    case .number, .string: culprit = bb;
                    default: culprit = aa
                    }
                    throw EvalError("T2008", position: position, value: culprit)
                }
                if term.descending { comparison = -comparison }
            }
            return comparison == 1
        }
        return order.map { items[$0] }
    }
}

/// JavaScript string ordering (by UTF-16 code units).
func jsCompare(_ a: String, _ b: String) -> Int {
    if a == b { return 0 }
    var left = a.utf16.makeIterator()
    var right = b.utf16.makeIterator()
    while true {
        switch (left.next(), right.next()) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case (let x?, let y?):
            if x != y { return x < y ? -1 : 1 }
        }
    }
}

/// A stable merge sort; `swap(a, b)` returns true when `b` must come before `a`.
func mergeSort<T>(_ items: [T], _ swap: (T, T) throws(EvalError) -> Bool) throws(EvalError) -> [T] {
    if items.count <= 1 { return items }
    let middle = items.count / 2
    let left = try mergeSort(Array(items[..<middle]), swap)
    let right = try mergeSort(Array(items[middle...]), swap)
    var result: [T] = []
    result.reserveCapacity(items.count)
    var i = 0
    var j = 0
    while i < left.count && j < right.count {
        if try swap(left[i], right[j]) {
            result.append(right[j])
            j += 1
        } else {
            result.append(left[i])
            i += 1
        }
    }
    result.append(contentsOf: left[i...])
    result.append(contentsOf: right[j...])
    return result
}
