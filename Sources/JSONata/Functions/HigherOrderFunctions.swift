/// `$map`, `$filter`, `$single`, `$reduce`. The callback receives the value, then (if it
/// declares them) the index and the whole array.
enum HigherOrderFunctions {
    static let all: [NativeFunction] = [
        NativeFunction("map", "<af>", arity: 2) { evaluator, args, context throws(EvalError) in
            guard let array = argument(args, 0), let function = argument(args, 1) else { return nil }
            let items = array.arrayItems ?? [array]
            var results: [Value] = []
            results.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                let result = try evaluator.callback(function, item: item, index: index, of: array, context.env)
                try evaluator.checkNesting(result)
                appendDefined(result, to: &results)
            }
            try evaluator.checkItems(results.count)
            return .sequence(results)
        },
        NativeFunction("filter", "<af>", arity: 2) { evaluator, args, context throws(EvalError) in
            guard let array = argument(args, 0), let function = argument(args, 1) else { return nil }
            let items = array.arrayItems ?? [array]
            var results: [Value] = []
            for (index, item) in items.enumerated() {
                let keep = try evaluator.callback(function, item: item, index: index, of: array, context.env)
                if keep?.truthy ?? false { results.append(item) }
            }
            try evaluator.checkItems(results.count)
            return .sequence(results)
        },
        NativeFunction("single", "<af?>", arity: 2) { evaluator, args, context throws(EvalError) in
            guard let array = argument(args, 0) else { return nil }
            let items = array.arrayItems ?? [array]
            let function = argument(args, 1)
            var found: Value?
            for (index, item) in items.enumerated() {
                var matches = true
                if let function {
                    matches = try evaluator.callback(function, item: item, index: index, of: array, context.env)?.truthy ?? false
                }
                if matches {
                    if found != nil {
                        let error = EvalError("D3138")
                        error.index = index
                        throw error
                    }
                    found = item
                }
            }
            guard let found else { throw EvalError("D3139") }
            return found
        },
        NativeFunction("reduce", "<afj?:j>", arity: 3) { evaluator, args, context throws(EvalError) in
            guard let array = argument(args, 0), let function = argument(args, 1) else { return nil }
            let items = array.arrayItems ?? [array]
            var arity = 2
            if case .function(let callable) = function { arity = callable.arity }
            if arity < 2 {
                let error = EvalError("D3050")
                error.index = 1
                throw error
            }
            var result = argument(args, 2)
            var index = 0
            if result == nil && !items.isEmpty {
                result = items[0]
                index = 1
            }
            while index < items.count {
                var callArgs: [Value?] = [result, items[index]]
                if arity >= 3 { callArgs.append(.number(Double(index))) }
                if arity >= 4 { callArgs.append(array) }
                result = try evaluator.apply(function, callArgs, nil, context.env)
                index += 1
            }
            return result
        },
    ]
}
