import SkeinCore
import SkeinJSON

/// One parameter of a connector endpoint, as its definition declares it:
///
/// ```yaml
/// params:
///   since: { type: datetime, required: true, help: "Orders changed at or after this time." }
///   page_size: { type: integer, default: 50, minimum: 1, maximum: 250, help: "Orders per page." }
/// ```
///
/// The endpoint's templates use it as `{{params.since}}`. A flow gives it under `params:`,
/// literally or as a template (`since: "{{last_sync}}"`), which is filled when the step runs and
/// then checked against the type.
struct ParameterDefinition: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        case string, integer, number, boolean
        /// An instant: ISO 8601 in (`2026-01-31T22:00:00Z`, `+01:00` offsets, a bare date), sent in UTC as `format` says.
        case datetime
        /// Any JSON value, for GraphQL input objects and request bodies.
        case json
    }

    /// How a datetime is sent.
    enum DateFormat: String, Sendable, CaseIterable {
        /// `2026-01-31T22:00:00Z`
        case iso8601
        /// `2026-01-31 22:00:00` (UTC), as SQL-backed APIs such as Magento compare dates.
        case sql
    }

    var name: String
    var kind: Kind
    var required: Bool
    var defaultValue: JSON?
    var minimum: Double?
    var maximum: Double?
    var choices: [String]?
    var format: DateFormat
    var help: String

    static func read(_ reader: SettingsReader, name: String) -> ParameterDefinition? {
        let kind = reader.string("type", allowed: Kind.allCases.map(\.rawValue)).flatMap(Kind.init(rawValue:)) ?? .string
        let required = reader.bool("required") ?? false
        let defaultValue = reader.raw("default")
        let minimum = reader.raw("minimum")?.numberValue
        let maximum = reader.raw("maximum")?.numberValue
        let choices = reader.array("choices")?.compactMap(\.stringValue)
        let format = reader.string("format", allowed: DateFormat.allCases.map(\.rawValue)).flatMap(DateFormat.init(rawValue:)) ?? .iso8601
        let help = reader.string("help", required: true) ?? ""
        reader.finish()
        var parameter = ParameterDefinition(
            name: name, kind: kind, required: required, defaultValue: nil, minimum: minimum,
            maximum: maximum, choices: choices, format: format, help: help)
        if let defaultValue {
            if required { reader.report("default", "a required parameter has no default") }
            switch parameter.convert(defaultValue) {
            case .success(let value): parameter.defaultValue = value
            case .failure(let problem): reader.report("default", problem.message)
            }
        }
        return parameter
    }

    struct Problem: Error, Sendable { let message: String }

    /// The value converted to this parameter's type and checked against its bounds.
    func convert(_ value: JSON) -> Result<JSON, Problem> {
        func fail(_ message: String) -> Result<JSON, Problem> { .failure(Problem(message: message)) }
        let text: String? =
            switch value {
            case .string(let string): string
            case .number, .bool: value.serialized()
            default: nil
            }
        switch kind {
        case .json:
            return .success(value)
        case .string:
            guard let text else { return fail("expected a string, found \(value.typeName)") }
            if let choices, !choices.contains(text) { return fail("'\(text)' is not one of \(choices.joined(separator: ", "))") }
            return .success(.string(text))
        case .integer, .number:
            guard let text, let number = Double(text.trimmingWhitespace()), number.isFinite else {
                return fail("expected \(kind == .integer ? "a whole number" : "a number"), found \(value.serialized())")
            }
            if kind == .integer, number != number.rounded() { return fail("expected a whole number, found \(value.serialized())") }
            if let minimum, number < minimum { return fail("\(text) is less than \(Self.format(minimum))") }
            if let maximum, number > maximum { return fail("\(text) is more than \(Self.format(maximum))") }
            return .success(.number(number))
        case .boolean:
            switch text {
            case "true": return .success(.bool(true))
            case "false": return .success(.bool(false))
            default: return fail("expected true or false, found \(value.serialized())")
            }
        case .datetime:
            guard let text, let instant = Timestamp.parse(text) else {
                return fail("expected a date and time such as 2026-01-31T22:00:00Z, found \(value.serialized())")
            }
            return .success(.string(Timestamp.format(instant, as: format)))
        }
    }

    private static func format(_ number: Double) -> String {
        number == number.rounded() ? String(Int(number)) : String(number)
    }

    /// For docs and `skein connector show`: `since (datetime, required)`, `page_size (integer, default 50, 1–250)`.
    var summary: String {
        var facts = [kind.rawValue]
        if required { facts.append("required") }
        if let defaultValue { facts.append("default \(VariableScope.text(defaultValue) ?? "null")") }
        if minimum != nil || maximum != nil {
            facts.append("\(minimum.map(Self.format) ?? "…")–\(maximum.map(Self.format) ?? "…")")
        }
        if let choices { facts.append("one of " + choices.joined(separator: ", ")) }
        if kind == .datetime, format == .sql { facts.append("sent as YYYY-MM-DD HH:MM:SS UTC") }
        return "\(name) (\(facts.joined(separator: ", ")))"
    }
}

/// Instants as APIs write them, without Foundation.
enum Timestamp {
    /// Seconds since 1970 (UTC) of `2026-01-31`, `2026-01-31T22:00:00Z`, `2026-01-31 22:00:00`,
    /// `2026-01-31T22:00:00.123+01:00`; a time without a zone is UTC.
    static func parse(_ text: String) -> Int64? {
        let characters = Array(text.trimmingWhitespace().utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= characters.count else { return nil }
            var value = 0
            for byte in characters[start..<start + count] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = digits(0, 4), characters.count >= 10, characters[4] == 45, characters[7] == 45,
            let month = digits(5, 2), let day = digits(8, 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = Int64(HTTPDate.daysFromCivil(year: year, month: month, day: day)) * 86_400
        guard characters.count > 10 else { return seconds }
        guard characters[10] == 84 || characters[10] == 116 || characters[10] == 32,
            let hour = digits(11, 2), characters.count >= 16, characters[13] == 58, let minute = digits(14, 2),
            hour < 24, minute < 60
        else { return nil }
        var index = 16
        var second = 0
        if index < characters.count, characters[index] == 58 {
            guard let value = digits(17, 2), value <= 60 else { return nil }
            second = value
            index = 19
            if index < characters.count, characters[index] == 46 {
                index += 1
                while index < characters.count, characters[index] >= 48, characters[index] <= 57 { index += 1 }
            }
        }
        seconds += Int64(hour * 3600 + minute * 60 + second)
        guard index < characters.count else { return seconds }
        switch characters[index] {
        case 90, 122: return index + 1 == characters.count ? seconds : nil
        case 43, 45:
            let sign: Int64 = characters[index] == 43 ? 1 : -1
            guard let offsetHours = digits(index + 1, 2) else { return nil }
            var offsetMinutes = 0
            var end = index + 3
            if end < characters.count, characters[end] == 58 { end += 1 }
            if end < characters.count {
                guard let value = digits(end, 2), end + 2 == characters.count else { return nil }
                offsetMinutes = value
            }
            return seconds - sign * Int64(offsetHours * 3600 + offsetMinutes * 60)
        default:
            return nil
        }
    }

    static func format(_ seconds: Int64, as format: ParameterDefinition.DateFormat) -> String {
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let remainder = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = civil(fromDays: days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let date = "\(year)-\(two(month))-\(two(day))"
        let time = "\(two(remainder / 3600)):\(two(remainder / 60 % 60)):\(two(remainder % 60))"
        return format == .sql ? date + " " + time : date + "T" + time + "Z"
    }

    /// The date of a day number since 1970-01-01 (Howard Hinnant's algorithm).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPart = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPart + 2) / 5 + 1
        let month = monthPart < 10 ? monthPart + 3 : monthPart - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
