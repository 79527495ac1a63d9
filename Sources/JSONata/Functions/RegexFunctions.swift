import Foundation

/// One match found by a regex (or by a custom matcher function).
struct MatchResult {
    let match: String
    /// UTF-16 offsets, as JavaScript reports them.
    let start: Int
    let end: Int
    let groups: [String]
}

/// `$match`, `$contains`, `$replace`, `$split` with regular expressions (or custom matchers).
enum RegexFunctions {
    static let all: [NativeFunction] = [
        NativeFunction("match", "<s-f<s:o>n?:a<o>>", arity: 3) { evaluator, args, context throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            let limit = numberArgument(args, 2)
            if let limit, limit < 0 {
                let error = EvalError("D3040", value: .number(limit))
                error.index = 3
                throw error
            }
            var results: [Value] = []
            if limit == nil || limit! > 0, let matcher = argument(args, 1) {
                try evaluator.forEachMatch(matcher, text, context, limit: limit) { match throws(EvalError) in
                    try evaluator.checkCount(results.count + 1)
                    results.append(
                        .object(
                            JObject([
                                "match": .string(match.match),
                                "index": .number(Double(match.start)),
                                "groups": .array(match.groups.map(Value.string), []),
                            ])))
                }
            }
            try evaluator.checkItems(results.count)
            return .sequence(results)
        },
        NativeFunction("contains", "<s-(sf):b>", arity: 2) { evaluator, args, context throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            switch argument(args, 1) {
            case .string(let token)?:
                return .bool(try evaluator.find(Array(token.utf16), in: Array(text.utf16)) != nil)
            case let matcher?:
                var found = false
                try evaluator.forEachMatch(matcher, text, context, limit: 1) { _ throws(EvalError) in found = true }
                return .bool(found)
            case nil:
                return nil
            }
        },
        NativeFunction("replace", "<s-(sf)(sf)n?:s>", arity: 4) { evaluator, args, context throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            let pattern = argument(args, 1)
            if case .string(let p)? = pattern, p.isEmpty {
                let error = EvalError("D3010", value: pattern)
                error.index = 2
                throw error
            }
            let limit = numberArgument(args, 3)
            if let limit, limit < 0 {
                let error = EvalError("D3011", value: .number(limit))
                error.index = 4
                throw error
            }
            let replacement = argument(args, 2)
            if let limit, limit == 0 { return .string(text) }
            let units = Array(text.utf16)
            var output: [UInt16] = []
            var position = 0
            switch pattern {
            case .string(let p)?:
                let replacementText = try replacement.map { v throws(EvalError) in try stringify(v, limitedBy: evaluator) } ?? ""
                let needle = Array(p.utf16)
                let replacementUnits = Array(replacementText.utf16)
                var count = 0
                while limit == nil || Double(count) < limit!, let range = try evaluator.find(needle, in: units, from: position) {
                    output.append(contentsOf: units[position..<range.lowerBound])
                    output.append(contentsOf: replacementUnits)
                    try evaluator.checkReplacement(output)
                    position = range.upperBound
                    count += 1
                }
                output.append(contentsOf: units[position...])
            case let matcher?:
                try evaluator.forEachMatch(matcher, text, context, limit: limit) { match throws(EvalError) in
                    output.append(contentsOf: clampedSlice(units, position, match.start))
                    let substitute: Value?
                    switch replacement {
                    case .string(let template)?:
                        substitute = .string(expandReplacement(template, match))
                    case let function?:
                        let matchObject = Value.object(
                            JObject([
                                "match": .string(match.match),
                                "start": .number(Double(match.start)),
                                "end": .number(Double(match.end)),
                                "groups": .array(match.groups.map(Value.string), []),
                            ]))
                        substitute = try evaluator.apply(function, [matchObject], nil, context.env)
                    case nil:
                        substitute = nil
                    }
                    guard case .string(let s)? = substitute else {
                        throw EvalError("D3012", value: substitute)
                    }
                    output.append(contentsOf: s.utf16)
                    try evaluator.checkReplacement(output)
                    position = match.end
                }
                output.append(contentsOf: clampedSlice(units, position, units.count))
            case nil:
                return .string(text)
            }
            let result = String(decoding: output, as: UTF16.self)
            try evaluator.checkString(result.utf8.count)
            return .string(result)
        },
        NativeFunction("split", "<s-(sf)n?:a<s>>", arity: 3) { evaluator, args, context throws(EvalError) in
            guard let text = stringArgument(args, 0) else { return nil }
            let limit = numberArgument(args, 2)
            if let limit, limit < 0 {
                let error = EvalError("D3020", value: .number(limit))
                error.index = 3
                throw error
            }
            var results: [String] = []
            if let limit, limit == 0 { return .array([], []) }
            switch argument(args, 1) {
            case .string(let separator)?:
                if separator.isEmpty {
                    try evaluator.checkItems(text.unicodeScalars.count)
                    results = text.unicodeScalars.map { String($0) }
                } else {
                    let units = Array(text.utf16)
                    let needle = Array(separator.utf16)
                    var position = 0
                    while let range = try evaluator.find(needle, in: units, from: position) {
                        results.append(String(decoding: units[position..<range.lowerBound], as: UTF16.self))
                        try evaluator.checkCount(results.count)
                        position = range.upperBound
                    }
                    results.append(String(decoding: units[position...], as: UTF16.self))
                }
                if let limit, Double(results.count) > limit { results = Array(results.prefix(saturatingInt(limit))) }
            case let matcher?:
                let units = Array(text.utf16)
                var start = 0
                var count = 0
                var matched = false
                try evaluator.forEachMatch(matcher, text, context, limit: limit) { match throws(EvalError) in
                    matched = true
                    try evaluator.checkCount(results.count + 1)
                    results.append(String(decoding: clampedSlice(units, start, match.start), as: UTF16.self))
                    start = match.end
                    count += 1
                }
                if !matched {
                    results.append(text)
                } else if limit == nil || Double(count) < limit! {
                    results.append(String(decoding: clampedSlice(units, start, units.count), as: UTF16.self))
                }
            case nil:
                return nil
            }
            try evaluator.checkItems(results.count)
            return .array(results.map(Value.string), [])
        },
    ]

    /// Expands `$0`, `$1`... and `$$` in a replacement string, as the reference does.
    static func expandReplacement(_ template: String, _ match: MatchResult) -> String {
        let chars = Array(template.unicodeScalars)
        var output = String.UnicodeScalarView()
        var position = 0
        func digitsValue(_ from: Int, _ count: Int) -> Int? {
            guard from < chars.count else { return nil }
            var value = 0
            var any = false
            var i = from
            while i < chars.count && i < from + count, let d = chars[i].properties.numericType != nil ? Int(String(chars[i])) : nil {
                value = value * 10 + d
                any = true
                i += 1
            }
            return any ? value : nil
        }
        while position < chars.count {
            let c = chars[position]
            guard c == "$" else {
                output.append(c)
                position += 1
                continue
            }
            position += 1
            guard position < chars.count else {
                output.append("$")
                break
            }
            let next = chars[position]
            if next == "$" {
                output.append("$")
                position += 1
            } else if next == "0" {
                output.append(contentsOf: match.match.unicodeScalars)
                position += 1
            } else {
                let groupCount = match.groups.count
                let maxDigits = groupCount == 0 ? 1 : Int(log10(Double(groupCount)).rounded(.down)) + 1
                var index = digitsValue(position, maxDigits)
                if maxDigits > 1, let i = index, i > groupCount {
                    index = digitsValue(position, maxDigits - 1)
                }
                if let index {
                    if groupCount > 0, index >= 1, index <= groupCount {
                        output.append(contentsOf: match.groups[index - 1].unicodeScalars)
                    }
                    position += String(index).count
                } else {
                    output.append("$")
                }
            }
        }
        return String(output)
    }
}

extension Evaluator {
    /// Checks a replacement being built (UTF-16 units, so a rough byte count) against
    /// `maxStringBytes` as it grows, before it can grow far past it.
    @inline(__always)
    func checkReplacement(_ output: [UInt16]) throws(EvalError) {
        if output.count > limits.maxStringBytes { throw stringTooLong(output.count) }
    }
}

/// `units[from..<to]`, tolerating offsets a custom matcher may report out of range.
func clampedSlice(_ units: [UInt16], _ from: Int, _ to: Int) -> ArraySlice<UInt16> {
    let upper = max(0, min(to, units.count))
    let lower = max(0, min(from, upper))
    return units[lower..<upper]
}

extension Evaluator {
    /// Finds the first match at or after UTF-16 offset `from`, within the evaluation's time
    /// limit.
    func regexFind(_ regex: CompiledRegex, _ text: [UInt16], from: Int) throws(EvalError) -> MatchResult? {
        var budget = RegexBudget { () throws(EvalError) in try self.checkClock() }
        let found: RegexProgram.Match?
        do {
            found = try regex.firstMatch(in: text, from: from, budget: &budget)
        } catch {
            throw error.error
        }
        guard let found else { return nil }
        func string(_ range: Range<Int>) -> String { String(decoding: text[range], as: UTF16.self) }
        return MatchResult(
            match: string(found.range), start: found.range.lowerBound, end: found.range.upperBound,
            groups: found.groups.map { $0.map(string) ?? "" })
    }

    /// The object a regex returns when called as a function: `{match, start, end, groups, next}`.
    func regexMatchObject(_ regex: CompiledRegex, _ text: [UInt16], from: Int, position: Int?) throws(EvalError) -> Value? {
        guard let match = try regexFind(regex, text, from: from) else { return nil }
        let next = NativeFunction(name: "next", signature: nil, arity: 0) { evaluator, _, _ throws(EvalError) in
            if match.end >= text.count { return nil }
            let following = try evaluator.regexMatchObject(regex, text, from: match.end, position: position)
            if case .object(let object)? = following, object.fields["match"]?.stringValue == "" {
                throw EvalError("D1004", position: position, value: .string(regex.source))
            }
            return following
        }
        return .object(
            JObject([
                "match": .string(match.match),
                "start": .number(Double(match.start)),
                "end": .number(Double(match.end)),
                "groups": .array(match.groups.map(Value.string), []),
                "next": .function(.native(next)),
            ]))
    }

    /// Walks the matches of `matcher` over `text` the way the reference does: the first match,
    /// then `next()` after each one (an empty match found by `next()` is D1004).
    func forEachMatch(
        _ matcher: Value, _ text: String, _ context: CallContext, limit: Double?,
        _ body: (MatchResult) throws(EvalError) -> Void
    ) throws(EvalError) {
        var count = 0
        if case .function(.regex(let regex)) = matcher {
            let units = Array(text.utf16)
            var current = try regexFind(regex, units, from: 0)
            while let match = current, limit == nil || Double(count) < limit! {
                try body(match)
                count += 1
                if match.end >= units.count {
                    current = nil
                } else {
                    current = try regexFind(regex, units, from: match.end)
                    if let next = current, next.match.isEmpty {
                        throw EvalError("D1004", position: context.position, value: .string(regex.source))
                    }
                }
            }
            return
        }
        // a custom matcher: a function returning {match, start, end, groups, next}
        var result = try checkedMatch(try apply(matcher, [.string(text)], nil, context.env))
        while case .object(let object)? = result, limit == nil || Double(count) < limit! {
            let groups: [String] = object.fields["groups"]?.arrayItems?.map { $0.stringValue ?? "" } ?? []
            let match = MatchResult(
                match: object.fields["match"]?.stringValue ?? "",
                start: saturatingInt(object.fields["start"]?.numberValue ?? 0),
                end: saturatingInt(object.fields["end"]?.numberValue ?? 0), groups: groups)
            try body(match)
            count += 1
            result = try checkedMatch(try apply(object.fields["next"], [], nil, context.env))
        }
    }

    private func checkedMatch(_ value: Value?) throws(EvalError) -> Value? {
        guard let value else { return nil }
        if case .object(let object) = value {
            let f = object.fields
            if f["start"]?.numberValue != nil || f["groups"]?.isArray == true || f["next"]?.isFunction == true {
                return value
            }
        }
        throw EvalError("T1010")
    }
}
