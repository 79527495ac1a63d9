import Foundation

/// `$formatInteger` and `$parseInteger`: XPath F&O 3.1 `format-integer` pictures,
/// as implemented by jsonata-js.
///
/// Picture syntax (`primary-format` optionally followed by `;` and a modifier):
///
/// | Picture        | Meaning                                               | `format(1234, …)`     |
/// |----------------|-------------------------------------------------------|-----------------------|
/// | `0`, `000`     | decimal, minimum number of digits                     | `1234`, `1234`        |
/// | `#,##0`        | `#` optional digit, other non-digits group separators | `1,234`               |
/// | `##,##,##0`    | irregular grouping positions are kept as written      | `1234567890` → `12345,67,890` |
/// | `###١`, `０`    | any Unicode decimal digit family                      | `١٢٣٤`                |
/// | `a` / `A`      | spreadsheet letters (`1`→`a`, `27`→`aa`)              | `aul` / `AUL`         |
/// | `i` / `I`      | roman numerals                                        | `mccxxxiv` / `MCCXXXIV` |
/// | `w` / `W` / `Ww` | English words, lower / upper / title case           | `one thousand, two hundred and thirty-four` |
/// | `…;o`          | ordinal (`0;o` → `1234th`, `w;o` → `…thirty-fourth`)  |                       |
/// | `…;c`          | cardinal (the default)                                |                       |
///
/// Any other primary format without a decimal digit is an unsupported numbering
/// sequence and throws `D3130`; mixing digit families throws `D3131`.
enum IntegerFormatting {

    /// `$formatInteger(value, picture)`: the value is floored first, so
    /// `format(12.6, picture: "###0")` is `"12"`; `format(-3, picture: "0000")` is `"-0003"`.
    static func format(_ value: Double, picture: String) throws -> String {
        let spec = try IntegerPicture(picture)
        return try spec.format(value.rounded(.down))
    }

    /// `$parseInteger(string, picture)`: the inverse of `format`, e.g.
    /// `parse("12,345,678", picture: "#,##0")` is `12345678`,
    /// `parse("twenty-first", picture: "w;o")` is `21`, `parse("MCMLXXXIV", picture: "I")` is `1984`.
    /// Like jsonata-js, the text is not validated against the picture: unrecognisable
    /// text yields `NaN` (never `nil`; `nil` is kept for an absent result).
    static func parse(_ string: String, picture: String) throws -> Double? {
        let spec = try IntegerPicture(picture)
        return try spec.parse(string)
    }
}

// MARK: - Analysed picture

/// One grouping separator of a decimal digit pattern: `position` counts the digit
/// signs to its right.
struct GroupingSeparator: Equatable, Sendable {
    var position: Int
    var character: String
}

/// A `format-integer` picture, analysed (jsonata-js `analyseIntegerPicture`).
struct IntegerPicture: Sendable {
    enum Primary: Sendable { case decimal, letters, roman, words, sequence }
    enum LetterCase: Sendable { case upper, lower, title }
    enum Grouping: Sendable {
        /// Same separator every `position` digits, repeated indefinitely.
        case regular(GroupingSeparator)
        /// Separators only at the listed positions (may be empty).
        case irregular([GroupingSeparator])
    }

    var primary: Primary = .decimal
    var letterCase: LetterCase = .lower
    var ordinal = false
    var zeroCode: UInt32 = 0x30
    var mandatoryDigits = 0
    var optionalDigits = 0
    /// `nil` for a non-decimal picture (jsonata-js leaves the field undefined).
    var isDecimalPattern = false
    var grouping: Grouping = .irregular([])
    /// The unsupported numbering-sequence token (for `D3130`).
    var token = ""
    /// Set by date/time parsing when two integer markers are adjacent: the exact
    /// number of digits to consume.
    var parseWidth: Int?

    /// Zero code points of the Unicode decimal digit families jsonata-js recognises.
    static let decimalGroups: [UInt32] = [
        0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
        0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80,
        0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    ]

    init(_ picture: String) throws {
        var primaryFormat = picture
        if let semicolon = picture.lastIndex(of: ";") {
            primaryFormat = String(picture[..<semicolon])
            let modifier = picture[picture.index(after: semicolon)...]
            if modifier.first == "o" { ordinal = true }
        }
        switch primaryFormat {
        case "A": letterCase = .upper; primary = .letters
        case "a": primary = .letters
        case "I": letterCase = .upper; primary = .roman
        case "i": primary = .roman
        case "W": letterCase = .upper; primary = .words
        case "Ww": letterCase = .title; primary = .words
        case "w": primary = .words
        default:
            var zero: UInt32?
            var separators: [GroupingSeparator] = []
            var separatorPosition = 0
            // right to left, so positions count the digits to the right
            for scalar in primaryFormat.unicodeScalars.reversed() {
                let code = scalar.value
                if let group = Self.decimalGroups.first(where: { code >= $0 && code <= $0 + 9 }) {
                    mandatoryDigits += 1
                    separatorPosition += 1
                    if zero == nil {
                        zero = group
                    } else if zero != group {
                        throw FormattingError.code("D3131")
                    }
                } else if code == 0x23 {  // '#'
                    separatorPosition += 1
                    optionalDigits += 1
                } else {
                    separators.append(GroupingSeparator(position: separatorPosition, character: String(scalar)))
                }
            }
            if mandatoryDigits > 0 {
                primary = .decimal
                isDecimalPattern = true
                zeroCode = zero ?? 0x30
                let factor = Self.regularInterval(separators)
                if factor > 0 {
                    grouping = .regular(GroupingSeparator(position: factor, character: separators[0].character))
                } else {
                    grouping = .irregular(separators)
                }
            } else {
                primary = .sequence
                token = primaryFormat
                mandatoryDigits = 0
                optionalDigits = 0
            }
        }
    }

    /// The repeat interval when all separators are the same character at every
    /// multiple of their greatest common divisor, else 0.
    static func regularInterval(_ separators: [GroupingSeparator]) -> Int {
        guard let first = separators.first else { return 0 }
        if separators.contains(where: { $0.character != first.character }) { return 0 }
        return regularInterval(positions: separators.map(\.position))
    }

    static func regularInterval(positions: [Int]) -> Int {
        guard !positions.isEmpty else { return 0 }
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let factor = positions.dropFirst().reduce(positions[0], gcd)
        for index in 1...positions.count where !positions.contains(index * factor) {
            return 0
        }
        return factor
    }

    // MARK: Formatting

    /// jsonata-js `_formatInteger`: formats an (already integral) value.
    func format(_ value: Double) throws -> String {
        let negative = value < 0
        let magnitude = Swift.abs(value)
        var result: String
        switch primary {
        case .letters:
            result = Self.letters(magnitude, upper: letterCase == .upper)
        case .roman:
            // jsonata-js recurses once per numeral and overflows its stack long before this
            guard magnitude <= 10_000_000 else {
                throw FormattingError(code: "D3130", message: "The number \(JSNumberText.string(value)) is too large to be written in roman numerals")
            }
            result = Self.roman(magnitude)
            if letterCase == .upper { result = result.uppercased() }
        case .words:
            guard magnitude.isFinite else {
                throw FormattingError(code: "D3130", message: "The number \(JSNumberText.string(value)) cannot be written in words")
            }
            result = EnglishWords.words(magnitude, ordinal: ordinal)
            switch letterCase {
            case .upper: result = result.uppercased()
            case .lower: result = result.lowercased()
            case .title: break
            }
        case .decimal:
            result = formatDecimal(magnitude)
        case .sequence:
            throw FormattingError.code("D3130", token)
        }
        return negative ? "-" + result : result
    }

    private func formatDecimal(_ magnitude: Double) -> String {
        var text = JSNumberText.string(magnitude)
        let padding = mandatoryDigits - text.utf16.count
        if padding > 0 { text = String(repeating: "0", count: padding) + text }
        var chars: [String]
        if zeroCode != 0x30 {
            chars = text.unicodeScalars.map { scalar in
                String(Unicode.Scalar(scalar.value + zeroCode - 0x30).map(Character.init) ?? "\u{FFFD}")
            }
        } else {
            chars = text.map(String.init)
        }
        switch grouping {
        case .regular(let separator):
            let n = (chars.count - 1) / separator.position
            if n > 0 {
                for ii in stride(from: n, through: 1, by: -1) {
                    chars.insert(separator.character, at: chars.count - ii * separator.position)
                }
            }
        case .irregular(let separators):
            // jsonata-js splices with `substr(0, pos) + sep + substr(pos)`; when the
            // number has fewer digits than a separator position, pos is negative and
            // `substr(pos)` keeps only the last |pos| characters. Reproduced as is:
            // `format(1234, picture: "##,##,##0")` is `",4"` there too.
            for separator in separators.reversed() {
                let position = chars.count - separator.position
                if position >= 0 {
                    chars.insert(separator.character, at: position)
                } else {
                    chars = [separator.character] + chars[Swift.max(chars.count + position, 0)...]
                }
            }
        }
        var result = chars.joined()
        if ordinal {
            let last = chars.last ?? ""
            var suffix: String
            switch last {
            case "1": suffix = "st"
            case "2": suffix = "nd"
            case "3": suffix = "rd"
            default: suffix = "th"
            }
            if chars.count > 1 && chars[chars.count - 2] == "1" { suffix = "th" }
            result += suffix
        }
        return result
    }

    /// Spreadsheet-column letters: 1 → a, 26 → z, 27 → aa.
    static func letters(_ value: Double, upper: Bool) -> String {
        let a: UInt32 = upper ? 65 : 97
        var value = value
        var letters: [Character] = []
        while value > 0 {
            let offset = UInt32((value - 1).truncatingRemainder(dividingBy: 26))
            letters.append(Character(Unicode.Scalar(offset + a)!))
            value = ((value - 1) / 26).rounded(.down)
        }
        return String(letters.reversed())
    }

    private static let romanNumerals: [(Double, String)] = [
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ]

    /// Lower-case roman numerals; 0 gives the empty string.
    static func roman(_ value: Double) -> String {
        var value = value
        var out = ""
        for (amount, numeral) in romanNumerals {
            while value >= amount {
                out += numeral
                value -= amount
            }
        }
        return out
    }

    // MARK: Parsing

    /// jsonata-js `generateRegex(...).parse` for an integer picture.
    func parse(_ text: String) throws -> Double {
        switch primary {
        case .letters:
            let a = upper ? 65.0 : 97.0
            let units = Array(text.utf16)
            var decimal = 0.0
            for i in 0..<units.count {
                decimal += (Double(units[units.count - i - 1]) - a + 1) * pow(26, Double(i))
            }
            return decimal
        case .roman:
            let values: [Character: Double] = ["M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1]
            let roman = upper ? text : text.uppercased()
            var decimal = 0.0
            var maximum = 1.0
            for character in roman.reversed() {
                guard let value = values[character] else { return .nan }
                if value < maximum {
                    decimal -= value
                } else {
                    maximum = value
                    decimal += value
                }
            }
            return decimal
        case .words:
            return EnglishWords.number(text.lowercased())
        case .decimal:
            var digits = text
            if ordinal { digits = String(digits.utf16.count >= 2 ? digits.dropLast(2) : "") }
            switch grouping {
            case .regular:
                digits = digits.replacingOccurrences(of: ",", with: "")
            case .irregular(let separators):
                for separator in separators {
                    digits = digits.replacingOccurrences(of: separator.character, with: "")
                }
            }
            if zeroCode != 0x30 {
                var scalars = String.UnicodeScalarView()
                for scalar in digits.unicodeScalars {
                    let shifted = Int64(scalar.value) - Int64(zeroCode) + 0x30
                    if shifted >= 0, let mapped = Unicode.Scalar(UInt32(shifted)) {
                        scalars.append(mapped)
                    }
                }
                digits = String(scalars)
            }
            return JSNumberText.parseInt(digits)
        case .sequence:
            throw FormattingError.code("D3130", token)
        }
    }

    private var upper: Bool { letterCase == .upper }

    /// The regular expression (ICU syntax, no capture groups) that matches this
    /// picture's output; used when parsing date/time strings.
    func regexPattern() throws -> String {
        switch primary {
        case .letters:
            return upper ? "[A-Z]+" : "[a-z]+"
        case .roman:
            return upper ? "[MDCLXVI]+" : "[mdclxvi]+"
        case .words:
            return "(?:" + (EnglishWords.parseKeys + ["and", "[\\-, ]"]).joined(separator: "|") + ")+"
        case .decimal:
            var pattern = "[0-9]"
            if let width = parseWidth, width > 0 {
                pattern += "{\(width)}"
            } else {
                pattern += "+"
            }
            if ordinal { pattern += "(?:th|st|nd|rd)" }
            return pattern
        case .sequence:
            throw FormattingError.code("D3130", token)
        }
    }
}

// MARK: - English words

/// Cardinal and ordinal numbers in English words, as jsonata-js writes and reads them:
/// `3731` → `Three Thousand, Seven Hundred and Thirty-One`; magnitudes stop at
/// trillion, so `1e15` → `One Thousand Trillion`.
enum EnglishWords {
    static let few = [
        "Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
        "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen",
    ]
    static let ordinals = [
        "Zeroth", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth",
        "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth",
    ]
    static let decades = ["Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred"]
    static let magnitudes = ["Thousand", "Million", "Billion", "Trillion"]

    /// Title-case words for a non-negative integer.
    static func words(_ value: Double, ordinal: Bool) -> String {
        lookup(value, previous: false, ordinal: ordinal)
    }

    private static func lookup(_ num: Double, previous: Bool, ordinal: Bool) -> String {
        var words = ""
        if num <= 19 {
            let index = Int(num)
            words = (previous ? " and " : "") + (ordinal ? ordinals[index] : few[index])
        } else if num < 100 {
            let tens = Int((num / 10).rounded(.down))
            let remainder = num.truncatingRemainder(dividingBy: 10)
            words = (previous ? " and " : "") + decades[tens - 2]
            if remainder > 0 {
                words += "-" + lookup(remainder, previous: false, ordinal: ordinal)
            } else if ordinal {
                words = String(words.dropLast()) + "ieth"
            }
        } else if num < 1000 {
            let hundreds = Int((num / 100).rounded(.down))
            let remainder = num.truncatingRemainder(dividingBy: 100)
            words = (previous ? ", " : "") + few[hundreds] + " Hundred"
            if remainder > 0 {
                words += lookup(remainder, previous: true, ordinal: ordinal)
            } else if ordinal {
                words += "th"
            }
        } else {
            var magnitude = Int((log10(num) / 3).rounded(.down))
            if magnitude > magnitudes.count { magnitude = magnitudes.count }
            let factor = pow(10, Double(magnitude * 3))
            let mantissa = (num / factor).rounded(.down)
            let remainder = num - mantissa * factor
            words = (previous ? ", " : "") + lookup(mantissa, previous: false, ordinal: false) + " " + magnitudes[magnitude - 1]
            if remainder > 0 {
                words += lookup(remainder, previous: true, ordinal: ordinal)
            } else if ordinal {
                words += "th"
            }
        }
        return words
    }

    /// Lower-case word → value, in jsonata-js's insertion order (used for the parse regex).
    static let wordTable: [(String, Double)] = {
        var table: [(String, Double)] = []
        func add(_ word: String, _ value: Double) {
            if let index = table.firstIndex(where: { $0.0 == word }) {
                table[index].1 = value
            } else {
                table.append((word, value))
            }
        }
        for (index, word) in few.enumerated() { add(word.lowercased(), Double(index)) }
        for (index, word) in ordinals.enumerated() { add(word.lowercased(), Double(index)) }
        for (index, word) in decades.enumerated() {
            let lower = word.lowercased()
            let value = Double((index + 2) * 10)
            add(lower, value)
            add(String(lower.dropLast()) + "ieth", value)
        }
        add("hundredth", 100)
        for (index, word) in magnitudes.enumerated() {
            let lower = word.lowercased()
            let value = pow(10, Double((index + 1) * 3))
            add(lower, value)
            add(lower + "th", value)
        }
        return table
    }()

    static let wordValues: [String: Double] = Dictionary(wordTable, uniquingKeysWith: { $1 })
    static let parseKeys: [String] = wordTable.map(\.0)

    /// Words (lower case) → number; unknown words make the result `NaN`.
    static func number(_ text: String) -> Double {
        let parts = splitWords(text)
        var segments: [Double] = [0]
        for part in parts {
            let value = wordValues[part] ?? .nan
            if value < 100 {
                var top = segments.removeLast()
                if top >= 1000 {
                    segments.append(top)
                    top = 0
                }
                segments.append(top + value)
            } else {
                segments.append(segments.removeLast() * value)
            }
        }
        return segments.reduce(0, +)
    }

    /// `text.split(/,\s|\sand\s|[\s\\-]/)`, keeping empty pieces as JavaScript does.
    private static func splitWords(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var parts: [String] = []
        var current = String.UnicodeScalarView()
        func isSpace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace || s == "\u{FEFF}" }
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            var matchLength = 0
            if s == ",", i + 1 < scalars.count, isSpace(scalars[i + 1]) {
                matchLength = 2
            } else if isSpace(s), i + 4 < scalars.count, scalars[i + 1] == "a", scalars[i + 2] == "n",
                scalars[i + 3] == "d", isSpace(scalars[i + 4])
            {
                matchLength = 5
            } else if isSpace(s) || s == "\\" || s == "-" {
                matchLength = 1
            }
            if matchLength > 0 {
                parts.append(String(current))
                current = String.UnicodeScalarView()
                i += matchLength
            } else {
                current.append(s)
                i += 1
            }
        }
        parts.append(String(current))
        return parts
    }
}
