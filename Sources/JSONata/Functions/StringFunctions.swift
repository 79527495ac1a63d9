import Foundation

/// String functions. Lengths and offsets count Unicode code points, as JavaScript's
/// `Array.from(str)` does in the reference implementation.
enum StringFunctions {
    static let all: [NativeFunction] = [
        NativeFunction("string", "<x-b?:s>", arity: 1) { _, args, _ throws(EvalError) in
            guard let value = argument(args, 0) else { return nil }
            let pretty = argument(args, 1)?.truthy ?? false
            return .string(try stringify(value, pretty: pretty))
        },
        NativeFunction("substring", "<s-nn?:s>", arity: 3) { _, args, _ throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            let start = numberArgument(args, 1) ?? 0
            return .string(substring(text, start, numberArgument(args, 2)))
        },
        NativeFunction("substringBefore", "<s-s:s>", arity: 2) { _, args, _ throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            guard let chars = stringArgument(args, 1) else { return .string(text) }
            guard let range = utf16Range(of: chars, in: text) else { return .string(text) }
            return .string(String(decoding: Array(text.utf16)[..<range.lowerBound], as: UTF16.self))
        },
        NativeFunction("substringAfter", "<s-s:s>", arity: 2) { _, args, _ throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            guard let chars = stringArgument(args, 1) else { return .string(text) }
            guard let range = utf16Range(of: chars, in: text) else { return .string(text) }
            return .string(String(decoding: Array(text.utf16)[range.upperBound...], as: UTF16.self))
        },
        NativeFunction("lowercase", "<s-:s>", arity: 1) { _, args, _ throws(EvalError) in
            stringArgument(args, 0).map { .string($0.lowercased()) }
        },
        NativeFunction("uppercase", "<s-:s>", arity: 1) { _, args, _ throws(EvalError) in
            stringArgument(args, 0).map { .string($0.uppercased()) }
        },
        NativeFunction("length", "<s-:n>", arity: 1) { _, args, _ throws(EvalError) in
            stringArgument(args, 0).map { .number(Double($0.unicodeScalars.count)) }
        },
        NativeFunction("trim", "<s-:s>", arity: 1) { _, args, _ throws(EvalError) in
            stringArgument(args, 0).map { .string(trim($0)) }
        },
        NativeFunction("pad", "<s-ns?:s>", arity: 3) { _, args, _ throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            let width = numberArgument(args, 1) ?? 0
            var padChar = stringArgument(args, 2) ?? " "
            if padChar.isEmpty { padChar = " " }
            let padLength = saturatingInt(abs(width).rounded(.towardZero)) - text.unicodeScalars.count
            guard padLength > 0 else { return .string(text) }
            var padding = String(repeating: padChar, count: padLength)
            if padChar.unicodeScalars.count > 1 { padding = substring(padding, 0, Double(padLength)) }
            return .string(width > 0 ? text + padding : padding + text)
        },
        NativeFunction("join", "<a<s>s?:s>", arity: 2) { _, args, _ throws(EvalError) in
            guard let items = arrayArgument(args, 0) else { return nil }
            let separator = stringArgument(args, 1) ?? ""
            var parts: [String] = []
            for case .string(let s) in items { parts.append(s) }
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

/// The UTF-16 range of the first occurrence of `needle` in `haystack` (`indexOf`).
func utf16Range(of needle: String, in haystack: String, from: Int = 0) -> Range<Int>? {
    let h = Array(haystack.utf16)
    let n = Array(needle.utf16)
    if n.isEmpty { return from <= h.count ? from..<from : nil }
    guard h.count >= n.count else { return nil }
    var i = from
    while i + n.count <= h.count {
        if h[i] == n[0] && h[i..<(i + n.count)].elementsEqual(n) { return i..<(i + n.count) }
        i += 1
    }
    return nil
}
