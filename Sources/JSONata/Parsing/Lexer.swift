import Foundation

/// A token from the expression text. Positions are UTF-16 offsets just past the token, as the
/// reference implementation reports them.
struct Token {
    enum Kind { case name, variable, op, string, number, value, regex }
    var kind: Kind
    var text: String
    var number: Double = 0
    /// For `.value`: `true`, `false` or `null`.
    var literal: Value? = nil
    var regex: CompiledRegex? = nil
    var position: Int
}

/// Splits an expression into tokens on demand. It works on UTF-16 code units so positions and
/// `\uXXXX` escapes behave exactly as in JavaScript.
struct Lexer {
    let chars: [UInt16]
    var position = 0

    init(_ source: String) { chars = Array(source.utf16) }

    static let operatorChars: Set<UInt16> = Set(".[]{}(),@#;:?+-*/%|=<>^&!~".utf16)
    static let whitespace: Set<UInt16> = [0x20, 0x09, 0x0A, 0x0D, 0x0B]

    private func char(_ index: Int) -> UInt16 { index < chars.count ? chars[index] : 0 }
    private func text(_ from: Int, _ to: Int) -> String { String(decoding: chars[from..<to], as: UTF16.self) }

    /// The next token, or `nil` at the end. `infix` says an operand has just been read, so `/`
    /// means division rather than the start of a regular expression.
    mutating func next(infix: Bool) throws(EvalError) -> Token? {
        var c: UInt16 = 0
        while true {
            while position < chars.count && Lexer.whitespace.contains(chars[position]) { position += 1 }
            if position >= chars.count { return nil }
            c = chars[position]
            // comments (skipped in a loop: thousands of them in a row must not recurse)
            guard c == 0x2F /* / */ && char(position + 1) == 0x2A /* * */ else { break }
            let start = position
            position += 2
            while !(char(position) == 0x2A && char(position + 1) == 0x2F) {
                position += 1
                if position >= chars.count { throw EvalError("S0106", position: start) }
            }
            position += 2
        }
        if !infix && c == 0x2F {
            position += 1
            let regex = try scanRegex()
            return Token(kind: .regex, text: regex.source, regex: regex, position: position)
        }
        let c1 = char(position + 1)
        func two(_ op: String) -> Token {
            position += 2
            return Token(kind: .op, text: op, position: position)
        }
        switch (c, c1) {
        case (0x2E, 0x2E): return two("..")
        case (0x3A, 0x3D): return two(":=")
        case (0x21, 0x3D): return two("!=")
        case (0x3E, 0x3D): return two(">=")
        case (0x3C, 0x3D): return two("<=")
        case (0x2A, 0x2A): return two("**")
        case (0x7E, 0x3E): return two("~>")
        case (0x3F, 0x3A): return two("?:")
        case (0x3F, 0x3F): return two("??")
        default: break
        }
        if Lexer.operatorChars.contains(c) {
            position += 1
            return Token(kind: .op, text: String(decoding: [c], as: UTF16.self), position: position)
        }
        if c == 0x22 || c == 0x27 { return try scanString(quote: c) }
        if let number = try scanNumber() { return number }
        if c == 0x60 /* ` */ {
            position += 1
            var end = position
            while end < chars.count && chars[end] != 0x60 { end += 1 }
            if end < chars.count {
                let name = text(position, end)
                position = end + 1
                return Token(kind: .name, text: name, position: position)
            }
            position = chars.count
            throw EvalError("S0105", position: position)
        }
        // names and variables
        var i = position
        while i < chars.count && !Lexer.whitespace.contains(chars[i]) && !Lexer.operatorChars.contains(chars[i]) { i += 1 }
        if c == 0x24 /* $ */ {
            let name = text(position + 1, i)
            position = i
            return Token(kind: .variable, text: name, position: position)
        }
        let name = text(position, i)
        position = i
        switch name {
        case "and", "or", "in": return Token(kind: .op, text: name, position: position)
        case "true": return Token(kind: .value, text: name, literal: .bool(true), position: position)
        case "false": return Token(kind: .value, text: name, literal: .bool(false), position: position)
        case "null": return Token(kind: .value, text: name, literal: .null, position: position)
        default:
            if name.isEmpty && position >= chars.count { return nil }
            return Token(kind: .name, text: name, position: position)
        }
    }

    private mutating func scanString(quote: UInt16) throws(EvalError) -> Token {
        position += 1
        var units: [UInt16] = []
        while position < chars.count {
            let c = chars[position]
            if c == 0x5C /* \ */ {
                position += 1
                let e = char(position)
                switch e {
                case 0x22: units.append(0x22)
                case 0x5C: units.append(0x5C)
                case 0x2F: units.append(0x2F)
                case 0x62: units.append(0x08)
                case 0x66: units.append(0x0C)
                case 0x6E: units.append(0x0A)
                case 0x72: units.append(0x0D)
                case 0x74: units.append(0x09)
                case 0x75:
                    let hexEnd = min(position + 5, chars.count)
                    let hex = text(position + 1, hexEnd)
                    if hex.count == 4, let code = UInt16(hex, radix: 16) {
                        units.append(code)
                        position += 4
                    } else {
                        throw EvalError("S0104", position: position)
                    }
                default:
                    throw EvalError("S0103", position: position, token: String(decoding: [e], as: UTF16.self))
                }
            } else if c == quote {
                position += 1
                return Token(kind: .string, text: String(decoding: units, as: UTF16.self), position: position)
            } else {
                units.append(c)
            }
            position += 1
        }
        throw EvalError("S0101", position: position)
    }

    /// `-?(0|([1-9][0-9]*))(\.[0-9]+)?([Ee][-+]?[0-9]+)?` (the sign is never reached: `-` is an operator).
    private mutating func scanNumber() throws(EvalError) -> Token? {
        func isDigit(_ c: UInt16) -> Bool { c >= 0x30 && c <= 0x39 }
        var i = position
        guard isDigit(char(i)) else { return nil }
        if char(i) == 0x30 { i += 1 } else { while isDigit(char(i)) { i += 1 } }
        if char(i) == 0x2E && isDigit(char(i + 1)) {
            i += 1
            while isDigit(char(i)) { i += 1 }
        }
        if char(i) == 0x45 || char(i) == 0x65 {
            var j = i + 1
            if char(j) == 0x2B || char(j) == 0x2D { j += 1 }
            if isDigit(char(j)) {
                while isDigit(char(j)) { j += 1 }
                i = j
            }
        }
        let literal = text(position, i)
        guard let number = Double(literal), number.isFinite else {
            throw EvalError("S0102", position: position, token: literal)
        }
        position = i
        return Token(kind: .number, text: literal, number: number, position: position)
    }

    /// Scans `/pattern/flags` (the opening `/` is consumed), balancing brackets so a `/` inside
    /// `[...]` does not end the pattern.
    private mutating func scanRegex() throws(EvalError) -> CompiledRegex {
        let start = position
        var depth = 0
        func isClosingSlash(_ at: Int) -> Bool {
            guard chars[at] == 0x2F && depth == 0 else { return false }
            var backslashes = 0
            while at - (backslashes + 1) >= 0 && chars[at - (backslashes + 1)] == 0x5C { backslashes += 1 }
            return backslashes % 2 == 0
        }
        while position < chars.count {
            let c = chars[position]
            if isClosingSlash(position) {
                let pattern = text(start, position)
                if pattern.isEmpty { throw EvalError("S0301", position: position) }
                position += 1
                let flagStart = position
                while char(position) == 0x69 || char(position) == 0x6D { position += 1 }
                let flags = text(flagStart, position)
                return try RegexTranslator.compile(pattern: pattern, flags: flags, position: position)
            }
            let previous = position > 0 ? chars[position - 1] : 0
            if (c == 0x28 || c == 0x5B || c == 0x7B) && previous != 0x5C { depth += 1 }
            if (c == 0x29 || c == 0x5D || c == 0x7D) && previous != 0x5C { depth -= 1 }
            position += 1
        }
        throw EvalError("S0302", position: position)
    }
}

/// Compiles a regular expression literal for `RegexProgram` (JavaScript's syntax and meaning).
enum RegexTranslator {
    static func compile(pattern: String, flags: String, position: Int) throws(EvalError) -> CompiledRegex {
        do {
            return try RegexProgram(pattern: pattern, ignoreCase: flags.contains("i"), multiline: flags.contains("m"))
        } catch {
            let failure = EvalError("S0302", position: position)
            failure.message = "Invalid regular expression /\(pattern.prefix(100))/: \(error.reason)"
            throw failure
        }
    }
}
