import Foundation

/// `$fromMillis` and `$toMillis`: XPath F&O 3.1 `format-dateTime` pictures as
/// implemented by jsonata-js (src/datetime.js).
///
/// A picture is literal text with *variable markers* in square brackets; `[[` and
/// `]]` are literal brackets. A marker is `[` component presentation? (`,` width)? `]`
/// (whitespace inside a marker is ignored):
///
/// | Component | Meaning                       | Default | Example → output (2018-04-09 15:07:54.972 UTC) |
/// |-----------|-------------------------------|---------|-----------------------------------------------|
/// | `Y`       | year                          | `1`     | `[Y0001]` → `2018`, `[Y,2]` → `18`, `[Yw]` → `two thousand and eighteen` |
/// | `M`       | month (1–12)                  | `1`     | `[M01]` → `04`, `[MNn]` → `April`, `[MNn,3-3]` → `Apr`, `[MI]` → `IV` |
/// | `D`       | day of month                  | `1`     | `[D1o]` → `9th`                                 |
/// | `d`       | day of year                   | `1`     | `[d001]` → `099`                                |
/// | `F`       | day of week (1 = Monday)      | `n`     | `[F]` → `monday`, `[FNn,3-3]` → `Mon`, `[F1]` → `1` |
/// | `W` / `w` | ISO week of year / of month   | `1`     | `[W01]` → `15`                                  |
/// | `X` / `x` | ISO week-numbering year / month | `1`   | `[X0001]-W[W01]-[F1]` → `2018-W15-1`            |
/// | `H` / `h` | hour 0–23 / 1–12              | `1`     | `[H01]` → `15`, `[h]` → `3`                     |
/// | `P`       | am/pm marker                  | `n`     | `[P]` → `pm`, `[PN]` → `PM`                     |
/// | `m` / `s` | minutes / seconds             | `01`    | `[m]:[s]` → `07:54`                             |
/// | `f`       | fractional seconds (millis)   | `1`     | `[f001]` → `972`                                |
/// | `Z` / `z` | timezone / `GMT` timezone     | `01:01` | `[Z]` → `+00:00`, `[Z0]` → `+0`, `[Z01:01t]` → `Z`, `[z]` → `GMT+00:00` |
/// | `C` / `E` | calendar / era                | `n`     | `ISO`                                           |
///
/// Presentation modifiers: a `format-integer` picture (`01`, `#`, `i`, `I`, `a`, `A`,
/// `w`, `W`, `Ww`), or `n` / `N` / `Nn` for names; a trailing `o` means ordinal
/// (`[D1o]`, `[Dwo]`), `c` cardinal, `t` "traditional" (`Z` for a zero offset).
/// Width modifier `,min-max` (`*` = unbounded) pads numbers to `min` digits and
/// truncates names to `max` characters.
enum DateTimeFormatting {

    /// `$fromMillis(millis, picture?, timezone?)`.
    ///
    /// - `picture == nil` gives ISO 8601 with milliseconds: `format(millis: 1510067274972, picture: nil,
    ///   timezone: nil)` is `"2017-11-07T15:07:54.972Z"` (picture `[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]`).
    /// - `timezone` is `±HHMM`: `format(millis: 1510067274972, picture: "[H01]:[m01] [Z]", timezone: "-0500")`
    ///   is `"10:07 -05:00"`. Like jsonata-js it is read as the integer `±HHMM`, so
    ///   the minutes of a negative zone are applied with jsonata-js's arithmetic.
    static func format(millis: Double, picture: String?, timezone: String?) throws -> String {
        var offsetHours = 0.0
        var offsetMinutes = 0.0
        if let timezone {
            let offset = JSNumberText.parseInt(timezone)
            if !offset.isNaN {
                offsetHours = (offset / 100).rounded(.down)
                offsetMinutes = offset.truncatingRemainder(dividingBy: 100)
            }
        }
        let spec = try DateTimePicture(picture ?? DateTimePicture.iso8601)
        let offsetMillis = (60 * offsetHours + offsetMinutes) * 60 * 1000
        let date = CivilTime.fields(millis + offsetMillis)

        var result = ""
        for part in spec.parts {
            switch part {
            case .literal(let text):
                result += text
            case .marker(let marker):
                result += try formatComponent(date, marker, offsetHours: offsetHours, offsetMinutes: offsetMinutes)
            }
        }
        return result
    }

    /// `$toMillis(string, picture?)` with `$now()` taken from the system clock.
    /// See `parse(_:picture:now:)`.
    static func parse(_ string: String, picture: String?) throws -> Double? {
        try parse(string, picture: picture, now: (Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// `$toMillis(string, picture?)`.
    ///
    /// - Without a picture the string must be ISO 8601 (`2018`, `2018-02-01`,
    ///   `2017-10-30T15:28:34Z`, `2018-02-01T09:42:13.123+0000`), else `D3110`.
    ///   Date-times without an offset are read as UTC.
    /// - With a picture (same syntax as `format`) the string is matched against it,
    ///   case-insensitively: `parse("27th April 2008", picture: "[D1o] [MNn] [Y0001]")`
    ///   is `1209254400000`. Returns `nil` when the string does not match the picture
    ///   (or the picture has no markers). Missing components more significant than the
    ///   ones given are taken from `now` (the evaluation's `$now()` in epoch millis);
    ///   less significant ones default to their minimum. A gap between given
    ///   components (e.g. `[Y]-[D]`) throws `D3136`.
    static func parse(_ string: String, picture: String?, now: Double) throws -> Double? {
        guard let picture else { return try parseISO8601(string) }
        let spec = try DateTimePicture(picture)
        return try spec.parse(string, now: now)
    }

    // MARK: - Formatting

    static let months = [
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    ]
    static let days = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    private static func formatComponent(
        _ date: CivilTime.Fields, _ marker: DateTimeMarker,
        offsetHours: Double, offsetMinutes: Double
    ) throws -> String {
        let component = marker.component
        switch component {
        case "Y", "M", "D", "d", "F", "W", "w", "X", "x", "H", "h", "m", "s":
            var value = numericFragment(date, component)
            if let names = marker.names {
                var name: String
                if component == "M" || component == "x" {
                    let index = Int(exactly: value - 1)
                    name = index.flatMap { months.indices.contains($0) ? months[$0] : nil } ?? "undefined"
                } else if component == "F" {
                    let index = Int(exactly: value)
                    name = index.flatMap { days.indices.contains($0) ? days[$0] : nil } ?? "undefined"
                } else {
                    throw FormattingError.code("D3133", String(component))
                }
                switch names {
                case .upper: name = name.uppercased()
                case .lower: name = name.lowercased()
                case .title: break
                }
                if let maximum = marker.widthMax, name.count > maximum {
                    name = String(name.prefix(maximum))
                }
                return name
            }
            if component == "Y", marker.yearDigits != -1 {
                value = value.truncatingRemainder(dividingBy: pow(10, Double(marker.yearDigits)))
            }
            guard let format = marker.integerFormat else { throw FormattingError.code("D3133", String(component)) }
            return try format.format(value)
        case "f":
            guard let format = marker.integerFormat else { throw FormattingError.code("D3133", String(component)) }
            return try format.format(date.millis)
        case "Z", "z":
            guard let format = marker.integerFormat else { throw FormattingError.code("D3134") }
            let offset = offsetHours * 100 + offsetMinutes
            var text: String
            if case .regular = format.grouping {
                text = try format.format(offset)
            } else {
                let digits = format.mandatoryDigits
                if digits == 1 || digits == 2 {
                    text = try format.format(offsetHours)
                    if offsetMinutes != 0 {
                        text += ":" + (try IntegerFormatting.format(offsetMinutes, picture: "00"))
                    }
                } else if digits == 3 || digits == 4 {
                    text = try format.format(offset)
                } else {
                    throw FormattingError.code("D3134", String(digits))
                }
            }
            if offset >= 0 { text = "+" + text }
            if component == "z" { text = "GMT" + text }
            if offset == 0 && marker.presentation2 == "t" { text = "Z" }
            return text
        case "P":
            let text = date.hours >= 12 ? "pm" : "am"
            return marker.names == .upper ? text.uppercased() : text
        case "C", "E":
            return "ISO"
        default:
            // jsonata-js would print "undefined" here; an unknown component is an error.
            throw FormattingError.code("D3132", String(component))
        }
    }

    /// jsonata-js `getDateTimeFragment` for the numeric components.
    static func numericFragment(_ date: CivilTime.Fields, _ component: Character) -> Double {
        switch component {
        case "Y": return date.year
        case "M": return date.month + 1
        case "D": return date.day
        case "d":
            let today = CivilTime.utc(date.year, date.month, date.day)
            let firstJan = CivilTime.utc(date.year, 0)
            return (today - firstJan) / CivilTime.millisPerDay + 1
        case "F":
            return date.weekday == 0 ? 7 : date.weekday
        case "W":
            let year = date.year
            let startOfWeek1 = startOfFirstWeek(year, 0)
            let today = CivilTime.utc(year, date.month, date.day)
            var week = deltaWeeks(startOfWeek1, today)
            if week > 52 {
                if today >= startOfFirstWeek(year + 1, 0) { week = 1 }
            } else if week < 1 {
                week = deltaWeeks(startOfFirstWeek(year - 1, 0), today)
            }
            return week.rounded(.down)
        case "w":
            let (year, month) = (date.year, date.month)
            let startOfWeek1 = startOfFirstWeek(year, month)
            let today = CivilTime.utc(year, month, date.day)
            var week = deltaWeeks(startOfWeek1, today)
            if week > 4 {
                let next = month == 11 ? (year + 1, 0.0) : (year, month + 1)
                if today >= startOfFirstWeek(next.0, next.1) { week = 1 }
            } else if week < 1 {
                let previous = month == 0 ? (year - 1, 11.0) : (year, month - 1)
                week = deltaWeeks(startOfFirstWeek(previous.0, previous.1), today)
            }
            return week.rounded(.down)
        case "X":
            let year = date.year
            if date.time < startOfFirstWeek(year, 0) { return year - 1 }
            if date.time >= startOfFirstWeek(year + 1, 0) { return year + 1 }
            return year
        case "x":
            let (year, month) = (date.year, date.month)
            let next = month == 11 ? (year + 1, 0.0) : (year, month + 1)
            if date.time < startOfFirstWeek(year, month) {
                return (month == 0 ? 11 : month - 1) + 1
            }
            if date.time >= startOfFirstWeek(next.0, next.1) { return next.1 + 1 }
            return month + 1
        case "H": return date.hours
        case "h":
            let hour = date.hours.truncatingRemainder(dividingBy: 12)
            return hour == 0 ? 12 : hour
        case "m": return date.minutes
        case "s": return date.seconds
        case "f": return date.millis
        case "P": return date.hours >= 12 ? 1 : 0
        default: return .nan
        }
    }

    /// ISO 8601: week 1 of a year (or, per F&O, of a month) is the Monday-started week
    /// containing its first Thursday.
    private static func startOfFirstWeek(_ year: Double, _ month: Double) -> Double {
        let first = CivilTime.utc(year, month)
        var weekday = CivilTime.fields(first).weekday
        if weekday == 0 { weekday = 7 }
        return weekday > 4
            ? first + (8 - weekday) * CivilTime.millisPerDay
            : first - (weekday - 1) * CivilTime.millisPerDay
    }

    private static func deltaWeeks(_ start: Double, _ end: Double) -> Double {
        (end - start) / (CivilTime.millisPerDay * 7) + 1
    }

    // MARK: - ISO 8601 parsing

    /// The shapes jsonata-js accepts without a picture (anything else is `D3110`).
    private static let isoShape = #"^[0-9]{4}(-[01][0-9])*(-[0-3][0-9])*(T[0-2][0-9]:[0-5][0-9]:[0-5][0-9])*(\.[0-9]+)?([+-][0-2][0-9]:?[0-5][0-9]|Z)?\z"#
    /// The structure `Date.parse` understands; shapes that pass `isoShape` but not
    /// this (e.g. `2018-01-01-01`) give `NaN`, as `Date.parse` does.
    private static let isoStructure =
        #"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?(?:T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?)?(Z|[+-][0-9]{2}:?[0-9]{2})?\z"#

    static func parseISO8601(_ string: String) throws -> Double? {
        let shape = try NSRegularExpression(pattern: isoShape)
        let whole = NSRange(string.startIndex..., in: string)
        guard shape.firstMatch(in: string, range: whole) != nil else {
            throw FormattingError.code("D3110", string)
        }
        let structure = try NSRegularExpression(pattern: isoStructure)
        guard let match = structure.firstMatch(in: string, range: whole) else { return .nan }
        func group(_ i: Int) -> String? {
            guard let range = Range(match.range(at: i), in: string) else { return nil }
            return String(string[range])
        }
        func number(_ i: Int, _ fallback: Double) -> Double { group(i).flatMap { Double($0) } ?? fallback }
        let year = number(1, .nan)
        let month = number(2, 1)
        let day = number(3, 1)
        let hours = number(4, 0)
        let minutes = number(5, 0)
        let seconds = number(6, 0)
        var millis = 0.0
        if let fraction = group(7) {
            millis = Double(String((fraction + "00").prefix(3))) ?? 0
        }
        guard (1...12).contains(month), (1...31).contains(day), hours <= 24, minutes < 60, seconds < 60,
            hours < 24 || (minutes == 0 && seconds == 0 && millis == 0)
        else { return .nan }
        var offsetMinutes = 0.0
        if let zone = group(8), zone != "Z" {
            let digits = zone.dropFirst().filter { $0 != ":" }
            let zh = Double(digits.prefix(2)) ?? 0
            let zm = Double(digits.suffix(2)) ?? 0
            guard zh <= 23, zm <= 59 else { return .nan }
            offsetMinutes = (zh * 60 + zm) * (zone.hasPrefix("-") ? -1 : 1)
        }
        // Date.parse does not apply the 0...99 → 19xx rule of Date.UTC.
        let dayNumber = Double(CivilTime.days(fromCivil: Int(year), Int(month), 1)) + day - 1
        let time = dayNumber * CivilTime.millisPerDay + hours * 3_600_000 + minutes * 60_000 + seconds * 1000 + millis
        return CivilTime.timeClip(time - offsetMinutes * 60_000)
    }
}

// MARK: - Analysed picture

/// A variable marker of a date/time picture, analysed.
struct DateTimeMarker: Sendable {
    var component: Character
    var presentation1: String
    var presentation2: Character?
    var hasWidth = false
    var widthMin: Int?
    var widthMax: Int?
    var names: IntegerPicture.LetterCase?
    var integerFormat: IntegerPicture?
    /// `[Y]` only: the number of trailing digits to keep, `-1` for all.
    var yearDigits = -1
}

enum DateTimePart: Sendable {
    case literal(String)
    case marker(DateTimeMarker)
}

/// A `format-dateTime` picture split into literals and markers
/// (jsonata-js `analyseDateTimePicture`).
struct DateTimePicture: Sendable {
    static let iso8601 = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]"

    private static let defaultPresentation: [Character: String] = [
        "Y": "1", "M": "1", "D": "1", "d": "1", "F": "n", "W": "1", "w": "1", "X": "1", "x": "1", "H": "1", "h": "1",
        "P": "n", "m": "01", "s": "01", "f": "1", "Z": "01:01", "z": "01:01", "C": "n", "E": "n",
    ]

    var parts: [DateTimePart] = []

    init(_ picture: String) throws {
        let chars = Array(picture)
        var start = 0
        var pos = 0
        func addLiteral(_ from: Int, _ to: Int) {
            guard to > from else { return }
            let literal = String(chars[from..<to]).replacingOccurrences(of: "]]", with: "]")
            parts.append(.literal(literal))
        }
        while pos < chars.count {
            if chars[pos] == "[" {
                if pos + 1 < chars.count && chars[pos + 1] == "[" {
                    addLiteral(start, pos)
                    parts.append(.literal("["))
                    pos += 2
                    start = pos
                    continue
                }
                addLiteral(start, pos)
                start = pos
                guard let close = chars[start...].firstIndex(of: "]") else {
                    throw FormattingError.code("D3135")
                }
                pos = close
                let marker = chars[(start + 1)..<pos].filter { !$0.isWhitespace }
                try parts.append(.marker(analyseMarker(marker)))
                start = pos + 1
            }
            pos += 1
        }
        addLiteral(start, pos)
    }

    private mutating func analyseMarker(_ marker: [Character]) throws -> DateTimeMarker {
        let component: Character = marker.first ?? "\u{0}"
        var def = DateTimeMarker(component: component, presentation1: "")
        var presentation: ArraySlice<Character>
        if let comma = marker.lastIndex(of: ",") {
            let width = marker[(comma + 1)...]
            def.hasWidth = true
            func widthValue(_ text: ArraySlice<Character>?) -> Int? {
                guard let text, String(text) != "*" else { return nil }
                let value = JSNumberText.parseInt(String(text))
                return value.isNaN ? nil : Int(Swift.max(Swift.min(value, 1_000_000), -1_000_000))
            }
            if let dash = width.firstIndex(of: "-") {
                def.widthMin = widthValue(width[..<dash])
                def.widthMax = widthValue(width[(dash + 1)...])
            } else {
                def.widthMin = widthValue(width)
            }
            presentation = marker[min(1, comma)..<comma]
        } else {
            presentation = marker.dropFirst()
        }
        if presentation.count == 1 {
            def.presentation1 = String(presentation)
        } else if presentation.count > 1 {
            let last = presentation.last!
            if "atco".contains(last) {
                def.presentation2 = last
                def.presentation1 = String(presentation.dropLast())
            } else {
                def.presentation1 = String(presentation)
            }
        } else if let fallback = Self.defaultPresentation[component] {
            def.presentation1 = fallback
        } else {
            throw FormattingError.code("D3132", String(component))
        }

        let p1 = Array(def.presentation1)
        if p1.first == "n" {
            def.names = .lower
        } else if p1.first == "N" {
            def.names = p1.count > 1 && p1[1] == "n" ? .title : .upper
        } else if "YMDdFWwXxHhmsf".contains(component) {
            var pattern = def.presentation1
            if let p2 = def.presentation2 { pattern += ";" + String(p2) }
            var format = try IntegerPicture(pattern)
            if let minimum = def.widthMin, format.mandatoryDigits < minimum {
                format.mandatoryDigits = minimum
            }
            if component == "Y" {
                if let maximum = def.widthMax {
                    def.yearDigits = maximum
                    format.mandatoryDigits = maximum
                } else {
                    let width = format.isDecimalPattern ? format.mandatoryDigits + format.optionalDigits : 0
                    if width >= 2 { def.yearDigits = width }
                }
            }
            def.integerFormat = format
            // Two integer markers with no literal between them: the first one must
            // have a fixed width to be parseable (e.g. `[Y0001][M01][D01]`).
            if case .marker(var previous)? = parts.last, var previousFormat = previous.integerFormat {
                previousFormat.parseWidth = previousFormat.mandatoryDigits
                previous.integerFormat = previousFormat
                parts[parts.count - 1] = .marker(previous)
            }
        }
        if component == "Z" || component == "z" {
            def.integerFormat = try IntegerPicture(def.presentation1)
        }
        return def
    }

    // MARK: Parsing

    private struct Matcher {
        var pattern: String
        var component: Character?
        var parse: ((String) throws -> Double?)?
    }

    private func matchers() throws -> [Matcher] {
        try parts.map { part -> Matcher in
            switch part {
            case .literal(let text):
                return Matcher(pattern: NSRegularExpression.escapedPattern(for: text))
            case .marker(let marker):
                let component = marker.component
                if component == "Z" || component == "z" {
                    var separator: String?
                    if case .regular(let sep)? = marker.integerFormat?.grouping { separator = sep.character }
                    var pattern = component == "z" ? "GMT" : ""
                    pattern += "[-+][0-9]+"
                    if let separator { pattern += NSRegularExpression.escapedPattern(for: separator) + "[0-9]+" }
                    return Matcher(pattern: pattern, component: component) { text in
                        var value = Substring(text)
                        if component == "z" { value = value.dropFirst(3) }
                        var hours = 0.0
                        var minutes = 0.0
                        if let separator, let range = value.range(of: separator) {
                            hours = JSNumberText.parseInt(value[..<range.lowerBound])
                            minutes = JSNumberText.parseInt(value[range.upperBound...])
                        } else if value.count - 1 <= 2 {
                            hours = JSNumberText.parseInt(value)
                        } else {
                            hours = JSNumberText.parseInt(value.prefix(3))
                            minutes = JSNumberText.parseInt(value.dropFirst(3))
                        }
                        return hours * 60 + minutes
                    }
                }
                if let format = marker.integerFormat {
                    let pattern = try format.regexPattern()
                    if component == "f" && format.primary == .decimal {
                        // Fractional seconds: the digits are a decimal fraction of a
                        // second, truncated to milliseconds (".01987" → 19 ms).
                        return Matcher(pattern: pattern, component: component) { text in
                            let digits = text.filter(\.isASCII).filter(\.isNumber)
                            return Double(String((digits + "000").prefix(3))) ?? .nan
                        }
                    }
                    return Matcher(pattern: pattern, component: component) { text in try format.parse(text) }
                }
                // month, day or am/pm names
                var lookup: [String: Double] = [:]
                if component == "M" || component == "x" {
                    for (index, name) in DateTimeFormatting.months.enumerated() {
                        let key = marker.widthMax.map { $0 > 0 ? String(name.prefix($0)) : name } ?? name
                        lookup[key] = Double(index + 1)
                    }
                } else if component == "F" {
                    for (index, name) in DateTimeFormatting.days.enumerated() where index > 0 {
                        let key = marker.widthMax.map { $0 > 0 ? String(name.prefix($0)) : name } ?? name
                        lookup[key] = Double(index)
                    }
                } else if component == "P" {
                    lookup = ["am": 0, "AM": 0, "pm": 1, "PM": 1]
                } else {
                    throw FormattingError.code("D3133", String(component))
                }
                return Matcher(pattern: "[a-zA-Z]+", component: component) { text in lookup[text] }
            }
        }
    }

    /// jsonata-js `parseDateTime`.
    func parse(_ string: String, now: Double) throws -> Double? {
        let matchers = try matchers()
        // `\z`: JavaScript's `$` (no multiline) matches only at the very end
        let pattern = "^" + matchers.map { "(" + $0.pattern + ")" }.joined() + "\\z"
        let regex = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        guard let match = regex.firstMatch(in: string, range: NSRange(string.startIndex..., in: string)) else {
            return nil
        }
        var components: [Character: Double] = [:]
        var anyMarker = false
        for (index, matcher) in matchers.enumerated() {
            guard let parse = matcher.parse, let component = matcher.component else { continue }
            anyMarker = true
            let range = Range(match.range(at: index + 1), in: string)
            let text = range.map { String(string[$0]) } ?? ""
            if let value = try parse(text) {
                components[component] = value
            } else {
                components.removeValue(forKey: component)
            }
        }
        if !anyMarker { return nil }

        // JavaScript truthiness of a parsed component
        func present(_ c: Character) -> Bool {
            guard let value = components[c] else { return false }
            return value != 0 && !value.isNaN
        }
        func mask(_ letters: String) -> Int {
            letters.reduce(0) { ($0 << 1) + (present($1) ? 1 : 0) }
        }
        func isType(_ type: Int, _ mask: Int) -> Bool { (~type & mask) == 0 && (type & mask) != 0 }

        //        date mask YXMxWwdD            time mask PHhmsf
        let dateMask = mask("YXMxWwdD")
        let dateA = isType(0b1010_0001, dateMask)
        let dateB = !dateA && isType(0b1000_0010, dateMask)
        let dateC = isType(0b0101_0100, dateMask)
        let dateD = !dateC && isType(0b0100_1000, dateMask)
        let timeMask = mask("PHhmsf")
        let timeA = isType(0b01_0111, timeMask)
        let timeB = !timeA && isType(0b10_1111, timeMask)

        let dateComponents = dateB ? "YD" : dateC ? "XxwF" : dateD ? "XWF" : "YMD"
        let timeComponents = timeB ? "Phmsf" : "Hmsf"
        let nowFields = CivilTime.fields(now)
        var startSpecified = false
        var endSpecified = false
        for part in dateComponents + timeComponents {
            if components[part] == nil {
                if startSpecified {
                    components[part] = "MDd".contains(part) ? 1 : 0
                    endSpecified = true
                } else {
                    // `P` from $now() is the text "am"/"pm", which never equals 1.
                    components[part] = part == "P" ? -1 : DateTimeFormatting.numericFragment(nowFields, part)
                }
            } else {
                startSpecified = true
                if endSpecified { throw FormattingError.code("D3136") }
            }
        }

        if let month = components["M"], month > 0 {
            components["M"] = month - 1
        } else {
            components["M"] = 0
        }
        if dateB {
            let firstJan = CivilTime.utc(components["Y"] ?? .nan, 0)
            let offset = ((components["d"] ?? .nan) - 1) * CivilTime.millisPerDay
            let derived = CivilTime.fields(firstJan + offset)
            components["M"] = derived.month
            components["D"] = derived.day
        }
        if dateC || dateD {
            // parsing week-based dates is not supported (as in jsonata-js)
            throw FormattingError.code("D3136")
        }
        if timeB {
            let h = components["h"] ?? .nan
            var hours = h == 12 ? 0 : h
            if components["P"] == 1 { hours += 12 }
            components["H"] = hours
        }
        func value(_ c: Character) -> Double { components[c] ?? .nan }
        var millis = CivilTime.utc(value("Y"), value("M"), value("D"), value("H"), value("m"), value("s"), value("f"))
        let zone = present("Z") ? value("Z") : present("z") ? value("z") : 0
        if zone != 0 {
            millis -= zone * 60 * 1000
        }
        return millis
    }
}
