import Foundation

/// Numeric functions, including the picture-string formatters.
enum NumericFunctions {
    static let all: [NativeFunction] = [
        NativeFunction("number", "<(nsb)-:n>", arity: 1) { _, args, _ throws(EvalError) in
            guard let value = argument(args, 0) else { return nil }
            switch value {
            case .number: return value
            case .bool(let b): return .number(b ? 1 : 0)
            case .string(let s):
                if let n = parseNumber(s) { return .number(n) }
            default: break
            }
            let error = EvalError("D3030", value: value)
            error.index = 1
            throw error
        },
        NativeFunction("floor", "<n-:n>", arity: 1) { _, args, _ throws(EvalError) in
            numberArgument(args, 0).map { .number($0.rounded(.down)) }
        },
        NativeFunction("ceil", "<n-:n>", arity: 1) { _, args, _ throws(EvalError) in
            numberArgument(args, 0).map { .number($0.rounded(.up)) }
        },
        NativeFunction("round", "<n-n?:n>", arity: 2) { _, args, _ throws(EvalError) in
            guard let n = numberArgument(args, 0) else { return nil }
            let precision = numberArgument(args, 1).map { saturatingInt(min(400, max(-400, $0))) } ?? 0
            return .number(JSNumberText.round(n, precision: precision))
        },
        NativeFunction("abs", "<n-:n>", arity: 1) { _, args, _ throws(EvalError) in
            numberArgument(args, 0).map { .number(Swift.abs($0)) }
        },
        NativeFunction("sqrt", "<n-:n>", arity: 1) { _, args, _ throws(EvalError) in
            guard let n = numberArgument(args, 0) else { return nil }
            if n < 0 {
                let error = EvalError("D3060", value: .number(n))
                error.index = 1
                throw error
            }
            return .number(n.squareRoot())
        },
        NativeFunction("power", "<n-n:n>", arity: 2) { _, args, _ throws(EvalError) in
            guard let base = numberArgument(args, 0) else { return nil }
            let exponent = numberArgument(args, 1) ?? .nan
            let result = pow(base, exponent)
            if !result.isFinite {
                let error = EvalError("D3061", value: .number(base))
                error.exp = .number(exponent)
                error.index = 1
                throw error
            }
            return .number(result)
        },
        NativeFunction("random", "<:n>", arity: 0) { _, _, _ throws(EvalError) in
            .number(Double.random(in: 0..<1))
        },
        NativeFunction("formatNumber", "<n-so?:s>", arity: 3) { _, args, _ throws(EvalError) in
            guard let n = numberArgument(args, 0) else { return nil }
            let picture = stringArgument(args, 1) ?? ""
            var options: [String: String]?
            if case .object(let object)? = argument(args, 2) {
                var map: [String: String] = [:]
                for (key, value) in object.fields { map[key] = value.plainString() }
                options = map
            }
            return .string(try formatting { try NumberFormatting.format(n, picture: picture, options: options) })
        },
        NativeFunction("formatBase", "<n-n?:s>", arity: 2) { _, args, _ throws(EvalError) in
            guard let n = numberArgument(args, 0) else { return nil }
            let radix = numberArgument(args, 1)
            do throws(EvalError) {
                return .string(try formatting { try NumberFormatting.formatBase(n, radix: radix) })
            } catch let error {
                if error.code == "D3100" {
                    error.message = nil
                    error.value = .number(JSNumberText.round(radix ?? 10))
                    error.hasValue = true
                }
                throw error
            }
        },
        NativeFunction("formatInteger", "<n-s:s>", arity: 2) { _, args, _ throws(EvalError) in
            guard let n = numberArgument(args, 0) else { return nil }
            let picture = stringArgument(args, 1) ?? ""
            return .string(try formatting { try IntegerFormatting.format(n, picture: picture) })
        },
        NativeFunction("parseInteger", "<s-s:n>", arity: 2) { _, args, _ throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            let picture = stringArgument(args, 1) ?? ""
            return try formatting { try IntegerFormatting.parse(text, picture: picture) }.map { .number($0) }
        },
    ]

    /// `$number()` of a string: a JSON number, or a `0x`/`0o`/`0b` integer literal.
    static func parseNumber(_ text: String) -> Double? {
        if isJSONNumber(text), let n = Double(text), n.isFinite { return n }
        let lower = text.lowercased()
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(prefix) {
            let digits = lower.dropFirst(2)
            guard !digits.isEmpty, let n = UInt64(digits, radix: radix) else { return nil }
            return Double(n)
        }
        return nil
    }

    /// `^-?(0|([1-9][0-9]*))(\.[0-9]+)?([Ee][-+]?[0-9]+)?$`
    static func isJSONNumber(_ text: String) -> Bool {
        let c = Array(text.utf8)
        var i = 0
        func digit(_ at: Int) -> Bool { at < c.count && c[at] >= 0x30 && c[at] <= 0x39 }
        if i < c.count && c[i] == 0x2D { i += 1 }
        guard digit(i) else { return false }
        while digit(i) { i += 1 }
        if i < c.count && c[i] == 0x2E {
            i += 1
            guard digit(i) else { return false }
            while digit(i) { i += 1 }
        }
        if i < c.count && (c[i] == 0x45 || c[i] == 0x65) {
            i += 1
            if i < c.count && (c[i] == 0x2B || c[i] == 0x2D) { i += 1 }
            guard digit(i) else { return false }
            while digit(i) { i += 1 }
        }
        return i == c.count
    }
}

/// `$boolean`, `$not`, `$exists`.
enum BooleanFunctions {
    static let all: [NativeFunction] = [
        NativeFunction("boolean", "<x-:b>", arity: 1) { _, args, _ throws(EvalError) in
            argument(args, 0).map { .bool($0.truthy) }
        },
        NativeFunction("not", "<x-:b>", arity: 1) { _, args, _ throws(EvalError) in
            argument(args, 0).map { .bool(!$0.truthy) }
        },
        NativeFunction("exists", "<x:b>", arity: 1) { _, args, _ throws(EvalError) in
            .bool(argument(args, 0) != nil)
        },
    ]
}
