import Foundation

/// String functions. Lengths and offsets count Unicode code points, as JavaScript's
/// `Array.from(str)` does in the reference implementation.
enum StringFunctions {
    static let all: [NativeFunction] = [
        NativeFunction("string", "<x-b?:s>", arity: 1) { evaluator, args, _ throws(EvalError) in
            guard let value = argument(args, 0) else { return nil }
            let pretty = argument(args, 1)?.truthy ?? false
            return .string(try stringify(value, pretty: pretty, limitedBy: evaluator))
        },
        NativeFunction("substring", "<s-nn?:s>", arity: 3) { _, args, _ throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            let start = numberArgument(args, 1) ?? 0
            return .string(substring(text, start, numberArgument(args, 2)))
        },
        NativeFunction("substringBefore", "<s-s:s>", arity: 2) { evaluator, args, _ throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            guard let chars = stringArgument(args, 1) else { return .string(text) }
            let units = Array(text.utf16)
            guard let range = try evaluator.find(Array(chars.utf16), in: units) else { return .string(text) }
            return .string(String(decoding: units[..<range.lowerBound], as: UTF16.self))
        },
        NativeFunction("substringAfter", "<s-s:s>", arity: 2) { evaluator, args, _ throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            guard let chars = stringArgument(args, 1) else { return .string(text) }
            let units = Array(text.utf16)
            guard let range = try evaluator.find(Array(chars.utf16), in: units) else { return .string(text) }
            return .string(String(decoding: units[range.upperBound...], as: UTF16.self))
        },
        NativeFunction("lowercase", "<s-:s>", arity: 1) { evaluator, args, _ throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            let result = text.lowercased()
            try evaluator.checkString(result.utf8.count)
            return .string(result)
        },
        NativeFunction("uppercase", "<s-:s>", arity: 1) { evaluator, args, _ throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            // (a few characters grow: "ß" becomes "SS")
            let result = text.uppercased()
            try evaluator.checkString(result.utf8.count)
            return .string(result)
        },
        NativeFunction("length", "<s-:n>", arity: 1) { _, args, _ throws(EvalError) in
            stringArgument(args, 0).map { .number(Double($0.unicodeScalars.count)) }
        },
        NativeFunction("trim", "<s-:s>", arity: 1) { _, args, _ throws(EvalError) in
            stringArgument(args, 0).map { .string(trim($0)) }
        },
        NativeFunction("pad", "<s-ns?:s>", arity: 3) { evaluator, args, _ throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            let width = numberArgument(args, 1) ?? 0
            var padChar = stringArgument(args, 2) ?? " "
            if padChar.isEmpty { padChar = " " }
            let padLength = saturatingInt(abs(width).rounded(.towardZero)) - text.unicodeScalars.count
            guard padLength > 0 else { return .string(text) }
            // checked before anything is built: the padding takes at least one byte a character
            try evaluator.checkString(text.utf8.count + padLength)
            let scalars = padChar.unicodeScalars.count
            let repeats = (padLength + scalars - 1) / scalars
            try evaluator.checkString(text.utf8.count + repeats * padChar.utf8.count)
            var padding = String(repeating: padChar, count: repeats)
            if scalars > 1 { padding = substring(padding, 0, Double(padLength)) }
            return .string(width > 0 ? text + padding : padding + text)
        },
        NativeFunction("join", "<a<s>s?:s>", arity: 2) { evaluator, args, _ throws(EvalError) in
            guard let items = arrayArgument(args, 0) else { return nil }
            let separator = stringArgument(args, 1) ?? ""
            var parts: [String] = []
            var bytes = 0
            for case .string(let s) in items {
                if !parts.isEmpty { bytes += separator.utf8.count }
                bytes += s.utf8.count
                parts.append(s)
            }
            try evaluator.checkString(bytes)
            try evaluator.poll(parts.count)
            return .string(parts.joined(separator: separator))
        },
    ]

    /// JavaScript's `Array.from(str).slice(start, end).join('')` as `$substring` uses it.
    static func substring(_ text: String, _ start: Double, _ length: Double?) -> String {
        let scalars = Array(text.unicodeScalars)
        let count = scalars.count
        var start = start
        if Double(count) + start < 0 { start = 0 }
        func clamp(_ index: Double) -> Int {
            var i = index.isNaN ? 0 : saturatingInt(index.rounded(.towardZero))
            if i < 0 { i = Swift.max(0, count + i) }
            return Swift.min(i, count)
        }
        let from = clamp(start)
        var to = count
        if let length {
            if length <= 0 { return "" }
            let end = start >= 0 ? start + length : Double(count) + start + length
            to = clamp(end)
        }
        guard from < to else { return "" }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[from..<to])
        return String(result)
    }

    static func trim(_ text: String) -> String {
        var output = ""
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                pendingSpace = true
            } else {
                if pendingSpace && !output.isEmpty { output += " " }
                pendingSpace = false
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}

extension Evaluator {
    /// The range of the first occurrence of `needle` in `haystack` at or after `from`
    /// (JavaScript's `indexOf` on UTF-16 code units), checking the clock as it searches.
    func find(_ needle: [UInt16], in haystack: [UInt16], from: Int = 0) throws(EvalError) -> Range<Int>? {
        if needle.isEmpty { return from <= haystack.count ? from..<from : nil }
        guard haystack.count >= needle.count else { return nil }
        let first = needle[0]
        let last = haystack.count - needle.count
        var i = from
        while i <= last {
            if haystack[i] == first {
                try poll(needle.count)
                if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i..<(i + needle.count) }
            } else {
                try poll()
            }
            i += 1
        }
        return nil
    }
}
