/// `$sum`, `$count`, `$max`, `$min`, `$average`.
enum AggregationFunctions {
    static let all: [NativeFunction] = [
        NativeFunction("sum", "<a<n>:n>", arity: 1) { _, args, _ throws(EvalError) in
            guard let items = arrayArgument(args, 0) else { return nil }
            var total = 0.0
            for case .number(let n) in items { total += n }
            return .number(total)
        },
        NativeFunction("count", "<a:n>", arity: 1) { _, args, _ throws(EvalError) in
            .number(Double(arrayArgument(args, 0)?.count ?? 0))
        },
        NativeFunction("max", "<a<n>:n>", arity: 1) { _, args, _ throws(EvalError) in
            guard let items = arrayArgument(args, 0), !items.isEmpty else { return nil }
            var best = -Double.infinity
            for case .number(let n) in items { best = Swift.max(best, n) }
            return .number(best)
        },
        NativeFunction("min", "<a<n>:n>", arity: 1) { _, args, _ throws(EvalError) in
            guard let items = arrayArgument(args, 0), !items.isEmpty else { return nil }
            var best = Double.infinity
            for case .number(let n) in items { best = Swift.min(best, n) }
            return .number(best)
        },
        NativeFunction("average", "<a<n>:n>", arity: 1) { _, args, _ throws(EvalError) in
            guard let items = arrayArgument(args, 0), !items.isEmpty else { return nil }
            var total = 0.0
            for case .number(let n) in items { total += n }
            return .number(total / Double(items.count))
        },
    ]
}
