/// `$eval`, `$error`, `$assert`.
enum MiscFunctions {
    static let all: [NativeFunction] = [
        NativeFunction("eval", "<sx?:x>", arity: 2) { evaluator, args, context throws(EvalError) in
            guard let source = stringArgument(args, 0) else { return nil }
            let input = args.count > 1 && args[1] != nil ? args[1] : context.input
            let ast: Node
            do throws(EvalError) {
                ast = try Parser.parse(source, maxNesting: evaluator.limits.maxNesting)
            } catch {
                let wrapped = EvalError("D3120", value: .string(error.publicError.message))
                wrapped.position = context.position
                throw wrapped
            }
            do throws(EvalError) {
                return try evaluator.evaluate(ast, input, context.env)
            } catch {
                if error.code == "U1001" { throw error }
                let wrapped = EvalError("D3121", value: .string(error.publicError.message))
                wrapped.position = context.position
                throw wrapped
            }
        },
        NativeFunction("error", "<s?:x>", arity: 1) { _, args, _ throws(EvalError) in
            throw failure("D3137", stringArgument(args, 0) ?? "$error() function evaluated")
        },
        NativeFunction("assert", "<bs?:x>", arity: 2) { _, args, _ throws(EvalError) in
            if case .bool(true)? = argument(args, 0) { return nil }
            throw failure("D3141", stringArgument(args, 1) ?? "$assert() statement failed")
        },
    ]
}
