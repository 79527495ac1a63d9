/// `$now`, `$millis`, `$fromMillis`, `$toMillis`; the picture strings are handled by
/// `DateTimeFormatting`. `$now()` and `$millis()` return the same instant for a whole evaluation.
enum DateTimeFunctions {
    static let all: [NativeFunction] = [
        NativeFunction("now", "<s?s?:s>", arity: 2) { evaluator, args, _ throws(EvalError) in
            let picture = stringArgument(args, 0)
            let timezone = stringArgument(args, 1)
            return .string(try formatting { try DateTimeFormatting.format(millis: evaluator.timestamp, picture: picture, timezone: timezone) })
        },
        NativeFunction("millis", "<:n>", arity: 0) { evaluator, _, _ throws(EvalError) in
            .number(evaluator.timestamp)
        },
        NativeFunction("fromMillis", "<n-s?s?:s>", arity: 3) { _, args, _ throws(EvalError) in
            guard let millis = numberArgument(args, 0) else { return nil }
            let picture = stringArgument(args, 1)
            let timezone = stringArgument(args, 2)
            return .string(try formatting { try DateTimeFormatting.format(millis: millis, picture: picture, timezone: timezone) })
        },
        NativeFunction("toMillis", "<s-s?:n>", arity: 2) { evaluator, args, _ throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            let picture = stringArgument(args, 1)
            do throws(EvalError) {
                return try formatting { try DateTimeFormatting.parse(text, picture: picture, now: evaluator.timestamp) }.map { .number($0) }
            } catch let error {
                if error.code == "D3110" {
                    error.message = nil
                    error.value = .string(text)
                    error.hasValue = true
                }
                throw error
            }
        },
    ]
}
