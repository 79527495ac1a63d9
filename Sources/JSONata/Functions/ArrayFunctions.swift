/// Array functions.
enum ArrayFunctions {
    static let all: [NativeFunction] = [
        NativeFunction("append", "<xx:a>", arity: 2) { evaluator, args, _ throws(EvalError) in
            let first = argument(args, 0), second = argument(args, 1)
            try evaluator.checkItems((first?.arrayItems?.count ?? 1) + (second?.arrayItems?.count ?? 1))
            return appendValues(first, second)
        },
        NativeFunction("reverse", "<a:a>", arity: 1) { _, args, _ throws(EvalError) in
            guard let value = argument(args, 0), let items = value.arrayItems else { return argument(args, 0) }
            if items.count <= 1 { return value }
            return .array(items.reversed(), [])
        },
        NativeFunction("shuffle", "<a:a>", arity: 1) { _, args, _ throws(EvalError) in
            guard let value = argument(args, 0), let items = value.arrayItems else { return argument(args, 0) }
            if items.count <= 1 { return value }
            return .array(items.shuffled(), [])
        },
        NativeFunction("distinct", "<x:x>", arity: 1) { evaluator, args, _ throws(EvalError) in
            guard let value = argument(args, 0) else { return nil }
            guard case .array(let items, let flags) = value, items.count > 1 else { return value }
            var results: [Value] = []
            for item in items {
                try evaluator.poll(results.count)
                if !results.contains(where: { deepEqual($0, item) }) { results.append(item) }
            }
            return .array(results, flags.contains(.sequence) ? .sequence : [])
        },
        NativeFunction("zip", "<a+>", arity: 0) { evaluator, args, _ throws(EvalError) in
            let arrays = args.map { $0?.arrayItems ?? [] }
            let length = arrays.map(\.count).min() ?? 0
            try evaluator.checkItems(length * (arrays.count + 1))
            for array in arrays { for item in array.prefix(length) { try evaluator.checkNesting(item) } }
            var result: [Value] = []
            for index in 0..<length {
                result.append(.array(arrays.map { $0[index] }, []))
            }
            return .array(result, [])
        },
        NativeFunction("sort", "<af?:a>", arity: 2) { evaluator, args, context throws(EvalError) in
            guard let value = argument(args, 0) else { return nil }
            guard let items = value.arrayItems, items.count > 1 else { return value }
            if let comparator = argument(args, 1) {
                let sorted = try mergeSort(items) { (a: Value, b: Value) throws(EvalError) -> Bool in
                    try evaluator.poll()
                    return try evaluator.apply(comparator, [a, b], nil, context.env)?.jsTruthy ?? false
                }
                return .array(sorted, [])
            }
            if try isArrayOfNumbers(items) {
                return .array(
                    try mergeSort(items) { (a: Value, b: Value) throws(EvalError) -> Bool in
                        try evaluator.poll()
                        return (a.numberValue ?? 0) > (b.numberValue ?? 0)
                    }, [])
            }
            if isArrayOfStrings(items) {
                return .array(
                    try mergeSort(items) { (a: Value, b: Value) throws(EvalError) -> Bool in
                        try evaluator.poll()
                        return jsCompare(a.stringValue ?? "", b.stringValue ?? "") > 0
                    }, [])
            }
            let error = EvalError("D3070")
            error.index = 1
            throw error
        },
    ]
}

/// Object functions.
enum ObjectFunctions {
    static let all: [NativeFunction] = [
        NativeFunction("keys", "<x-:a<s>>", arity: 1) { _, args, _ throws(EvalError) in
            .sequence(keys(of: argument(args, 0)).map(Value.string))
        },
        NativeFunction("lookup", "<x-s:x>", arity: 2) { evaluator, args, _ throws(EvalError) in
            evaluator.lookupField(argument(args, 0), stringArgument(args, 1) ?? "")
        },
        NativeFunction("spread", "<x-:a<o>>", arity: 1) { evaluator, args, _ throws(EvalError) in
            let value = argument(args, 0)
            // each field becomes an object of its own: one level deeper, one item per field
            try evaluator.checkNesting(value)
            try evaluator.checkItems(value?.size(limit: evaluator.limits.maxItems) ?? 0)
            return spread(value)
        },
        NativeFunction("merge", "<a<o>:o>", arity: 1) { _, args, _ throws(EvalError) in
            guard let items = arrayArgument(args, 0) else { return nil }
            let result = JObject()
            for case .object(let object) in items {
                for (key, value) in object.fields { result.fields[key] = value }
            }
            return .object(result)
        },
        NativeFunction("each", "<o-f:a>", arity: 2) { evaluator, args, context throws(EvalError) in
            guard case .object(let object)? = argument(args, 0), let function = argument(args, 1) else { return nil }
            var results: [Value] = []
            for (key, value) in object.fields {
                let result = try evaluator.callback(function, [value, .string(key), .object(object)], context.env)
                try evaluator.checkNesting(result)
                appendDefined(result, to: &results)
            }
            try evaluator.checkItems(results.count)
            return .sequence(results)
        },
        NativeFunction("sift", "<o-f?:o>", arity: 2) { evaluator, args, context throws(EvalError) in
            guard case .object(let object)? = argument(args, 0), let function = argument(args, 1) else { return nil }
            let result = JObject()
            for (key, value) in object.fields {
                let keep = try evaluator.callback(function, [value, .string(key), .object(object)], context.env)
                if keep?.truthy ?? false { result.fields[key] = value }
            }
            return result.fields.isEmpty ? nil : .object(result)
        },
        NativeFunction("type", "<x:s>", arity: 1) { _, args, _ throws(EvalError) in
            argument(args, 0).map { .string($0.typeName) }
        },
        NativeFunction("clone", "<(oa)-:o>", arity: 1) { _, args, _ throws(EvalError) in
            argument(args, 0)?.deepCopy()
        },
    ]

    static func keys(of value: Value?) -> [String] {
        switch value {
        case .array(let items, _)?:
            var seen = Set<String>()
            var ordered: [String] = []
            for item in items {
                for key in keys(of: item) where seen.insert(key).inserted { ordered.append(key) }
            }
            return ordered
        case .object(let object)?:
            return Array(object.fields.keys)
        default:
            return []
        }
    }

    /// `$spread`: every field of an object as an object of its own; arrays are spread item by
    /// item and the results joined (as the reference's repeated `fn.append`, in one pass).
    static func spread(_ value: Value?) -> Value? {
        switch value {
        case .array(let items, _)?:
            var results: [Value] = []
            var appended = false
            for item in items {
                guard let part = spread(item) else { continue }
                appended = true
                if case .array(let inner, _) = part { results.append(contentsOf: inner) } else { results.append(part) }
            }
            return appended ? .array(results, []) : .sequence()
        case .object(let object)?:
            var results: [Value] = []
            for (key, field) in object.fields { results.append(.object(JObject([key: field]))) }
            return .sequence(results)
        default:
            return value
        }
    }
}
