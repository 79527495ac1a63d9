/// A 5-field cron schedule (`minute hour day-of-month month day-of-week`), always in UTC.
///
/// Fields accept `*`, numbers, lists (`1,15`), ranges (`1-5`), steps (`*/15`, `0-30/10`) and
/// names (`JAN`–`DEC`, `SUN`–`SAT`; day-of-week 0 and 7 are both Sunday). As in classic cron,
/// when both day fields are restricted a day matches if either matches.
///
/// ```swift
/// let every15 = try CronSchedule("*/15 * * * *")
/// every15.nextFire(after: 1_700_000_000)   // seconds since 1970, UTC
/// ```
public struct CronSchedule: Sendable, Equatable, CustomStringConvertible {
    public let description: String
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    public init(_ expression: String) throws(CronError) {
        let fields = expression.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw CronError("expected 5 fields (minute hour day-of-month month day-of-week), found \(fields.count)")
        }
        description = fields.joined(separator: " ")
        minutes = try CronSchedule.parseField(fields[0], name: "minute", range: 0...59, names: [:])
        hours = try CronSchedule.parseField(fields[1], name: "hour", range: 0...23, names: [:])
        daysOfMonth = try CronSchedule.parseField(fields[2], name: "day-of-month", range: 1...31, names: [:])
        months = try CronSchedule.parseField(fields[3], name: "month", range: 1...12, names: CronSchedule.monthNames)
        var weekdays = try CronSchedule.parseField(fields[4], name: "day-of-week", range: 0...7, names: CronSchedule.dayNames)
        if weekdays.contains(7) { weekdays.remove(7); weekdays.insert(0) }
        daysOfWeek = weekdays
        dayOfMonthRestricted = fields[2] != "*" && !fields[2].hasPrefix("*/")
        dayOfWeekRestricted = fields[4] != "*" && !fields[4].hasPrefix("*/")
    }

    /// The first whole minute strictly after `time` (seconds since 1970, UTC) at which the
    /// schedule fires, or nil if none comes within five years (e.g. `0 0 31 2 *`).
    public func nextFire(after time: Int64) -> Int64? {
        var minute = (time / 60) + 1  // whole minutes since the epoch
        let limit = minute + 5 * 366 * 24 * 60
        while minute < limit {
            let day = minute / 1440
            let civil = CivilDate(daysSinceEpoch: day)
            guard months.contains(civil.month), matchesDay(civil) else {
                minute = (day + 1) * 1440
                continue
            }
            let minuteOfDay = Int(minute - day * 1440)
            var found: Int64?
            for hour in (minuteOfDay / 60)...23 where hours.contains(hour) {
                let startMinute = hour == minuteOfDay / 60 ? minuteOfDay % 60 : 0
                if let m = (startMinute...59).first(where: { minutes.contains($0) }) {
                    found = day * 1440 + Int64(hour * 60 + m)
                    break
                }
            }
            if let found { return found * 60 }
            minute = (day + 1) * 1440
        }
        return nil
    }

    private func matchesDay(_ date: CivilDate) -> Bool {
        let domMatch = daysOfMonth.contains(date.day)
        let dowMatch = daysOfWeek.contains(date.weekday)
        if dayOfMonthRestricted && dayOfWeekRestricted { return domMatch || dowMatch }
        return domMatch && dowMatch
    }

    static let monthNames = [
        "JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
        "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12,
    ]
    static let dayNames = ["SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6]

    static func parseField(_ field: String, name: String, range: ClosedRange<Int>, names: [String: Int]) throws(CronError) -> Set<Int> {
        var values: Set<Int> = []
        for part in field.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2, !pieces[0].isEmpty else { throw CronError("\(name) field '\(field)' is malformed") }
            var step = 1
            if pieces.count == 2 {
                guard let parsed = Int(pieces[1]), parsed > 0 else { throw CronError("\(name) field '\(field)' has an invalid step") }
                step = parsed
            }
            let bounds: ClosedRange<Int>
            if pieces[0] == "*" {
                bounds = range
            } else {
                let ends = pieces[0].split(separator: "-", omittingEmptySubsequences: false)
                guard ends.count <= 2 else { throw CronError("\(name) field '\(field)' has an invalid range") }
                let low = try value(ends[0], name: name, range: range, names: names)
                let high = ends.count == 2 ? try value(ends[1], name: name, range: range, names: names) : (pieces.count == 2 ? range.upperBound : low)
                guard low <= high else { throw CronError("\(name) range '\(pieces[0])' runs backwards") }
                bounds = low...high
            }
            values.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return values
    }

    private static func value(_ text: Substring, name: String, range: ClosedRange<Int>, names: [String: Int]) throws(CronError) -> Int {
        if let number = Int(text) {
            guard range.contains(number) else { throw CronError("\(name) value \(number) is outside \(range.lowerBound)-\(range.upperBound)") }
            return number
        }
        if let named = names[text.uppercased()] { return named }
        throw CronError("\(name) value '\(text)' is not a number\(names.isEmpty ? "" : " or a name")")
    }
}

public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A proleptic Gregorian date computed from days since 1970-01-01 (Howard Hinnant's algorithm),
/// so schedules and connectors need no calendar or time-zone database.
/// (The JSONata target keeps its own copy in `CivilTime`: it depends on nothing of Skein's.)
public struct CivilDate: Sendable, Equatable {
    public let year: Int
    public let month: Int
    public let day: Int
    /// 0 = Sunday.
    public let weekday: Int

    public init(daysSinceEpoch: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = Int(yoe + era * 400 + (m <= 2 ? 1 : 0))
        month = Int(m)
        day = Int(d)
        let w = (daysSinceEpoch + 4) % 7
        weekday = Int(w >= 0 ? w : w + 7)
    }
}
