/// Parses a JavaScript regular expression (ECMAScript with the web-compatibility grammar of
/// Annex B, without the `u` and `v` flags, which JSONata does not offer) into a tree.
///
/// JSONata's regexes are JavaScript's, matched on UTF-16 code units, so this parser and the
/// matcher in `RegexProgram` follow the ECMAScript specification rather than ICU or Swift's
/// `Regex`: backreferences to groups not yet matched match the empty string, captures inside a
/// repeated group are reset on each repetition, `\d`, `\w` and `\s` are JavaScript's sets, and
/// lookbehind matches right to left.
indirect enum RegexNode {
    case empty
    case char(UInt16)
    /// `.`: any code unit except a line terminator.
    case any
    case set(RegexCharSet)
    case sequence([RegexNode])
    case alternation([RegexNode])
    /// A group; `capture` is its number (from 1) when it captures.
    case group(RegexNode, capture: Int?)
    case quantified(RegexNode, min: Int, max: Int?, greedy: Bool)
    case lineStart
    case lineEnd
    case wordBoundary(negated: Bool)
    case backReference(Int)
    case look(RegexNode, ahead: Bool, negated: Bool)

    /// The capture groups inside, as a range of group numbers.
    var captureRange: ClosedRange<Int>? {
        var lowest = Int.max, highest = 0
        func visit(_ node: RegexNode) {
            switch node {
            case .group(let inner, let capture):
                if let capture { lowest = min(lowest, capture); highest = max(highest, capture) }
                visit(inner)
            case .sequence(let nodes), .alternation(let nodes): nodes.forEach(visit)
            case .quantified(let inner, _, _, _), .look(let inner, _, _): visit(inner)
            default: break
            }
        }
        visit(self)
        return highest == 0 ? nil : lowest...highest
    }
}

/// A character class: sorted, merged ranges of UTF-16 code units, possibly negated.
struct RegexCharSet {
    var ranges: [ClosedRange<UInt16>]
    var negated = false

    static let digits = RegexCharSet(ranges: [0x30...0x39])
    static let word = RegexCharSet(ranges: [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    static let space = RegexCharSet(ranges: [
        0x09...0x0D, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A,
        0x2028...0x2029, 0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF,
    ])

    /// The code units not in `ranges` (for `\D`, `\W`, `\S` inside a class).
    static func complement(of ranges: [ClosedRange<UInt16>]) -> [ClosedRange<UInt16>] {
        var result: [ClosedRange<UInt16>] = []
        var next: UInt32 = 0
        for range in ranges {
            if UInt32(range.lowerBound) > next { result.append(UInt16(next)...(range.lowerBound - 1)) }
            next = UInt32(range.upperBound) + 1
        }
        if next <= 0xFFFF { result.append(UInt16(next)...0xFFFF) }
        return result
    }

    /// Sorts and merges overlapping or adjacent ranges.
    static func normalized(_ ranges: [ClosedRange<UInt16>]) -> [ClosedRange<UInt16>] {
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<UInt16>] = []
        for range in sorted {
            if let last = merged.last, UInt32(range.lowerBound) <= UInt32(last.upperBound) + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    func containsRaw(_ unit: UInt16) -> Bool {
        var low = 0, high = ranges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = ranges[middle]
            if unit < range.lowerBound { high = middle - 1 } else if unit > range.upperBound { low = middle + 1 } else { return true }
        }
        return false
    }

    /// Does the class match `unit`? With `ignoreCase`, a unit matches when it or one of its
    /// case variants is in the class.
    func matches(_ unit: UInt16, ignoreCase: Bool) -> Bool {
        var found = containsRaw(unit)
        if !found && ignoreCase {
            let upper = RegexCase.canonical(unit)
            found =
                (upper != unit && containsRaw(upper))
                || {
                    let lower = RegexCase.lower(unit)
                    return lower != unit && containsRaw(lower)
                }()
        }
        return found != negated
    }
}

/// JavaScript's case folding for regexes without the `u` flag: a code unit's canonical form is
/// its upper case when that is a single code unit and does not turn a non-ASCII character into
/// an ASCII one.
enum RegexCase {
    static let upperTable: [UInt16] = (0...0xFFFF).map { fold(UInt16($0), upper: true) }
    static let lowerTable: [UInt16] = (0...0xFFFF).map { fold(UInt16($0), upper: false) }

    @inline(__always) static func canonical(_ unit: UInt16) -> UInt16 {
        if unit < 0x80 { return unit >= 0x61 && unit <= 0x7A ? unit - 0x20 : unit }
        return upperTable[Int(unit)]
    }

    @inline(__always) static func lower(_ unit: UInt16) -> UInt16 {
        if unit < 0x80 { return unit >= 0x41 && unit <= 0x5A ? unit + 0x20 : unit }
        return lowerTable[Int(unit)]
    }

    private static func fold(_ unit: UInt16, upper: Bool) -> UInt16 {
        guard let scalar = Unicode.Scalar(unit) else { return unit }  // a surrogate
        let mapped = upper ? scalar.properties.uppercaseMapping : scalar.properties.lowercaseMapping
        let units = Array(mapped.utf16)
        guard units.count == 1 else { return unit }
        if unit >= 0x80 && units[0] < 0x80 { return unit }
        return units[0]
    }
}

/// A syntax error in a regular expression, with a reason for the message.
struct RegexSyntaxError: Error {
    let reason: String
}

/// The recursive-descent parser. Group nesting is bounded (`maximumNesting`) so a pattern of
/// thousands of `(` cannot exhaust the stack.
struct RegexParser {
    static let maximumNesting = 200

    private let units: [UInt16]
    private var position = 0
    private var captureCount = 0
    private let totalCaptures: Int
    private let names: [String: Int]
    private var nesting = 0

    /// Parses `pattern`, returning the tree and the number of capture groups.
    static func parse(_ pattern: String) throws(RegexSyntaxError) -> (RegexNode, captures: Int) {
        let units = Array(pattern.utf16)
        let (total, names) = scanGroups(units)
        var parser = RegexParser(units: units, totalCaptures: total, names: names)
        let node = try parser.disjunction()
        if parser.position < units.count {
            throw RegexSyntaxError(reason: parser.peek == 0x29 ? "unmatched ')'" : "unexpected character")
        }
        return (node, total)
    }

    private init(units: [UInt16], totalCaptures: Int, names: [String: Int]) {
        self.units = units
        self.totalCaptures = totalCaptures
        self.names = names
    }

    /// Counts capture groups and finds group names before parsing (a backreference may come
    /// before the group it names).
    private static func scanGroups(_ units: [UInt16]) -> (Int, [String: Int]) {
        var count = 0
        var names: [String: Int] = [:]
        var index = 0
        var inClass = false
        while index < units.count {
            let unit = units[index]
            if unit == 0x5C { index += 2; continue }
            if inClass {
                if unit == 0x5D { inClass = false }
            } else if unit == 0x5B {
                inClass = true
            } else if unit == 0x28 {
                if index + 1 < units.count && units[index + 1] == 0x3F {
                    if index + 2 < units.count && units[index + 2] == 0x3C, index + 3 < units.count,
                        units[index + 3] != 0x3D && units[index + 3] != 0x21
                    {
                        count += 1
                        var end = index + 3
                        while end < units.count && units[end] != 0x3E { end += 1 }
                        names[String(decoding: units[(index + 3)..<min(end, units.count)], as: UTF16.self)] = count
                    }
                } else {
                    count += 1
                }
            }
            index += 1
        }
        return (count, names)
    }

    private var peek: UInt16 { position < units.count ? units[position] : 0 }
    private var atEnd: Bool { position >= units.count }

    private func peek(_ offset: Int) -> UInt16 {
        position + offset < units.count ? units[position + offset] : 0
    }

    private mutating func disjunction() throws(RegexSyntaxError) -> RegexNode {
        var alternatives = [try alternative()]
        while !atEnd && peek == 0x7C /* | */ {
            position += 1
            alternatives.append(try alternative())
        }
        return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
    }

    private mutating func alternative() throws(RegexSyntaxError) -> RegexNode {
        var terms: [RegexNode] = []
        while !atEnd && peek != 0x7C && peek != 0x29 {
            terms.append(try term())
        }
        switch terms.count {
        case 0: return .empty
        case 1: return terms[0]
        default: return .sequence(terms)
        }
    }

    private mutating func term() throws(RegexSyntaxError) -> RegexNode {
        let unit = peek
        switch unit {
        case 0x5E /* ^ */:
            position += 1
            return .lineStart
        case 0x24 /* $ */:
            position += 1
            return .lineEnd
        case 0x5C /* \ */ where peek(1) == 0x62 || peek(1) == 0x42:
            position += 2
            return .wordBoundary(negated: units[position - 1] == 0x42)
        case 0x28 /* ( */ where peek(1) == 0x3F /* ? */:
            let third = peek(2)
            if third == 0x3D || third == 0x21 {  // (?= (?!
                position += 3
                let inner = try nested()
                let node = RegexNode.look(inner, ahead: true, negated: third == 0x21)
                // Annex B lets a lookahead be quantified
                return try quantifier(for: node)
            }
            if third == 0x3C && (peek(3) == 0x3D || peek(3) == 0x21) {  // (?<= (?<!
                let negated = peek(3) == 0x21
                position += 4
                return .look(try nested(), ahead: false, negated: negated)
            }
        default:
            break
        }
        let atom = try self.atom()
        return try quantifier(for: atom)
    }

    /// A group's contents up to its `)`.
    private mutating func nested() throws(RegexSyntaxError) -> RegexNode {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Self.maximumNesting { throw RegexSyntaxError(reason: "groups nested more than \(Self.maximumNesting) deep") }
        let inner = try disjunction()
        guard peek == 0x29 else { throw RegexSyntaxError(reason: "unterminated group") }
        position += 1
        return inner
    }

    private mutating func atom() throws(RegexSyntaxError) -> RegexNode {
        let unit = peek
        switch unit {
        case 0x2E /* . */:
            position += 1
            return .any
        case 0x28 /* ( */:
            position += 1
            if peek == 0x3F /* ? */ {
                if peek(1) == 0x3A /* : */ {
                    position += 2
                    return .group(try nested(), capture: nil)
                }
                if peek(1) == 0x3C /* < */ {
                    var end = position + 2
                    while end < units.count && units[end] != 0x3E { end += 1 }
                    guard end < units.count, end > position + 2 else { throw RegexSyntaxError(reason: "invalid group name") }
                    position = end + 1
                    captureCount += 1
                    let number = captureCount
                    return .group(try nested(), capture: number)
                }
                throw RegexSyntaxError(reason: "invalid group")
            }
            captureCount += 1
            let number = captureCount
            return .group(try nested(), capture: number)
        case 0x29 /* ) */:
            throw RegexSyntaxError(reason: "unmatched ')'")
        case 0x5B /* [ */:
            position += 1
            return .set(try characterClass())
        case 0x5C /* \ */:
            position += 1
            return try atomEscape()
        case 0x2A, 0x2B, 0x3F /* * + ? */:
            throw RegexSyntaxError(reason: "nothing to repeat")
        case 0x7B /* { */:
            if parseBraces() != nil { throw RegexSyntaxError(reason: "nothing to repeat") }
            position += 1
            return .char(unit)
        default:
            position += 1
            return .char(unit)
        }
    }

    /// `{n}`, `{n,}` or `{n,m}` at the current position (not consumed), or nil when the brace
    /// does not start a quantifier (Annex B then reads it as a literal `{`).
    private func parseBraces() -> (min: Int, max: Int?, length: Int)? {
        guard peek == 0x7B else { return nil }
        var index = position + 1
        func number() -> Int? {
            let start = index
            var value = 0
            while index < units.count, units[index] >= 0x30 && units[index] <= 0x39 {
                value = min(value * 10 + Int(units[index] - 0x30), 1_000_000_000)
                index += 1
            }
            return index > start ? value : nil
        }
        guard let low = number() else { return nil }
        var high: Int? = low
        if index < units.count && units[index] == 0x2C {
            index += 1
            high = number()
        }
        guard index < units.count && units[index] == 0x7D else { return nil }
        return (low, high, index + 1 - position)
    }

    private mutating func quantifier(for atom: RegexNode) throws(RegexSyntaxError) -> RegexNode {
        var minimum: Int, maximum: Int?
        switch peek {
        case 0x2A: minimum = 0; maximum = nil; position += 1
        case 0x2B: minimum = 1; maximum = nil; position += 1
        case 0x3F: minimum = 0; maximum = 1; position += 1
        case 0x7B:
            guard let braces = parseBraces() else { return atom }
            minimum = braces.min
            maximum = braces.max
            position += braces.length
            if let maximum, maximum < minimum { throw RegexSyntaxError(reason: "numbers out of order in {} quantifier") }
        default:
            return atom
        }
        var greedy = true
        if peek == 0x3F {
            greedy = false
            position += 1
        }
        return .quantified(atom, min: minimum, max: maximum, greedy: greedy)
    }

    private mutating func atomEscape() throws(RegexSyntaxError) -> RegexNode {
        guard !atEnd else { throw RegexSyntaxError(reason: "\\ at end of pattern") }
        let unit = peek
        switch unit {
        case 0x64: position += 1; return .set(.digits)
        case 0x44: position += 1; return .set(RegexCharSet(ranges: RegexCharSet.digits.ranges, negated: true))
        case 0x77: position += 1; return .set(.word)
        case 0x57: position += 1; return .set(RegexCharSet(ranges: RegexCharSet.word.ranges, negated: true))
        case 0x73: position += 1; return .set(.space)
        case 0x53: position += 1; return .set(RegexCharSet(ranges: RegexCharSet.space.ranges, negated: true))
        case 0x31...0x39:
            // a backreference when there are that many groups, otherwise (Annex B) an octal
            // escape or the digit itself
            let start = position
            var value = 0
            while position < units.count, units[position] >= 0x30 && units[position] <= 0x39 {
                value = min(value * 10 + Int(units[position] - 0x30), 1_000_000)
                position += 1
            }
            if value <= totalCaptures { return .backReference(value) }
            position = start
            if unit >= 0x38 {
                position += 1
                return .char(unit)
            }
            return .char(octalEscape())
        case 0x6B /* k */ where !names.isEmpty:
            guard peek(1) == 0x3C else { throw RegexSyntaxError(reason: "invalid named reference") }
            var end = position + 2
            while end < units.count && units[end] != 0x3E { end += 1 }
            guard end < units.count,
                let number = names[String(decoding: units[(position + 2)..<end], as: UTF16.self)]
            else {
                throw RegexSyntaxError(reason: "invalid named reference")
            }
            position = end + 1
            return .backReference(number)
        default:
            return .char(characterEscape(inClass: false))
        }
    }

    /// `\0`-`\377` (Annex B); the position is at the first digit.
    private mutating func octalEscape() -> UInt16 {
        var value = 0
        var digits = 0
        while digits < 3, position < units.count, units[position] >= 0x30 && units[position] <= 0x37 {
            let next = value * 8 + Int(units[position] - 0x30)
            if next > 0o377 { break }
            value = next
            digits += 1
            position += 1
        }
        return UInt16(value)
    }

    /// A character escape after `\` (the position is at the character after it).
    private mutating func characterEscape(inClass: Bool) -> UInt16 {
        let unit = peek
        position += 1
        switch unit {
        case 0x74: return 0x09  // t
        case 0x6E: return 0x0A  // n
        case 0x76: return 0x0B  // v
        case 0x66: return 0x0C  // f
        case 0x72: return 0x0D  // r
        case 0x62 where inClass: return 0x08  // \b in a class is backspace
        case 0x30:
            if peek >= 0x30 && peek <= 0x39 {
                position -= 1
                return octalEscape()
            }
            return 0
        case 0x31...0x37 where inClass:
            position -= 1
            return octalEscape()
        case 0x63 /* c */:
            let letter = peek
            if (letter >= 0x41 && letter <= 0x5A) || (letter >= 0x61 && letter <= 0x7A)
                || (inClass && ((letter >= 0x30 && letter <= 0x39) || letter == 0x5F))
            {
                position += 1
                return letter % 32
            }
            position -= 1  // `\c` not followed by a letter is a backslash, then `c`
            return 0x5C
        case 0x78 /* x */:
            if let value = hex(count: 2) { return value }
            return unit
        case 0x75 /* u */:
            if let value = hex(count: 4) { return value }
            return unit
        default:
            return unit  // identity escape
        }
    }

    private mutating func hex(count: Int) -> UInt16? {
        guard position + count <= units.count else { return nil }
        var value: UInt32 = 0
        for offset in 0..<count {
            let unit = units[position + offset]
            let digit: UInt32
            switch unit {
            case 0x30...0x39: digit = UInt32(unit - 0x30)
            case 0x41...0x46: digit = UInt32(unit - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(unit - 0x61 + 10)
            default: return nil
            }
            value = value * 16 + digit
        }
        position += count
        return UInt16(value)
    }

    private mutating func characterClass() throws(RegexSyntaxError) -> RegexCharSet {
        var negated = false
        if peek == 0x5E {
            negated = true
            position += 1
        }
        var ranges: [ClosedRange<UInt16>] = []
        /// One class atom: a single code unit, or a class escape's ranges.
        enum ClassAtom { case unit(UInt16), set([ClosedRange<UInt16>]) }
        func classAtom(_ parser: inout RegexParser) throws(RegexSyntaxError) -> ClassAtom {
            let unit = parser.peek
            parser.position += 1
            guard unit == 0x5C else { return .unit(unit) }
            guard !parser.atEnd else { throw RegexSyntaxError(reason: "\\ at end of pattern") }
            switch parser.peek {
            case 0x64: parser.position += 1; return .set(RegexCharSet.digits.ranges)
            case 0x44: parser.position += 1; return .set(RegexCharSet.complement(of: RegexCharSet.digits.ranges))
            case 0x77: parser.position += 1; return .set(RegexCharSet.word.ranges)
            case 0x57: parser.position += 1; return .set(RegexCharSet.complement(of: RegexCharSet.word.ranges))
            case 0x73: parser.position += 1; return .set(RegexCharSet.space.ranges)
            case 0x53: parser.position += 1; return .set(RegexCharSet.complement(of: RegexCharSet.space.ranges))
            default: return .unit(parser.characterEscape(inClass: true))
            }
        }
        while true {
            guard !atEnd else { throw RegexSyntaxError(reason: "unterminated character class") }
            if peek == 0x5D {
                position += 1
                break
            }
            let first = try classAtom(&self)
            if peek == 0x2D /* - */ && peek(1) != 0x5D && position + 1 < units.count {
                let save = position
                position += 1
                let second = try classAtom(&self)
                switch (first, second) {
                case (.unit(let low), .unit(let high)):
                    guard low <= high else { throw RegexSyntaxError(reason: "range out of order in character class") }
                    ranges.append(low...high)
                    continue
                default:
                    // Annex B: a class escape next to `-` makes the `-` literal
                    position = save
                }
            }
            switch first {
            case .unit(let unit): ranges.append(unit...unit)
            case .set(let set): ranges.append(contentsOf: set)
            }
        }
        return RegexCharSet(ranges: RegexCharSet.normalized(ranges), negated: negated)
    }
}
