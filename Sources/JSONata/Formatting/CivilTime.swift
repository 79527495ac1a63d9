/// Proleptic-Gregorian UTC calendar arithmetic with JavaScript `Date` semantics,
/// so that date/time formatting and parsing produce what jsonata-js produces.
/// All times are epoch milliseconds held in `Double`; `NaN` is an invalid date.
enum CivilTime {
    static let millisPerDay = 86_400_000.0
    /// ECMAScript's TimeClip limit.
    static let maxTime = 8.64e15

    /// The UTC fields of a `Date` (`getUTCFullYear()`, `getUTCMonth()` (0-based), …).
    struct Fields: Sendable {
        var year: Double
        var month: Double  // 0...11
        var day: Double  // 1...31
        var hours: Double
        var minutes: Double
        var seconds: Double
        var millis: Double
        var weekday: Double  // 0 = Sunday ... 6 = Saturday
        var time: Double  // epoch millis (`getTime()`)

        static let invalid = Fields(
            year: .nan, month: .nan, day: .nan, hours: .nan, minutes: .nan,
            seconds: .nan, millis: .nan, weekday: .nan, time: .nan)
    }

    /// `new Date(ms)`: TimeClip (truncate towards zero, NaN outside ±8.64e15).
    static func timeClip(_ ms: Double) -> Double {
        guard ms.isFinite, Swift.abs(ms) <= maxTime else { return .nan }
        return ms.rounded(.towardZero) + 0  // +0 turns -0 into 0
    }

    static func fields(_ t: Double) -> Fields {
        let time = timeClip(t)
        guard !time.isNaN else { return .invalid }
        let days = (time / millisPerDay).rounded(.down)
        var msInDay = time - days * millisPerDay
        if msInDay < 0 { msInDay += millisPerDay }
        let (y, m, d) = civil(fromDays: Int(days))
        let ms = Int(msInDay)
        var weekday = (Int(days) + 4) % 7
        if weekday < 0 { weekday += 7 }
        return Fields(
            year: Double(y), month: Double(m - 1), day: Double(d),
            hours: Double(ms / 3_600_000), minutes: Double(ms / 60_000 % 60),
            seconds: Double(ms / 1000 % 60), millis: Double(ms % 1000),
            weekday: Double(weekday), time: time)
    }

    /// `Date.UTC(year, month, day, h, m, s, ms)`, including its quirks: a year in
    /// 0...99 means 1900...1999, and out-of-range months/days/times overflow.
    static func utc(
        _ year: Double, _ month: Double, _ day: Double = 1, _ hours: Double = 0,
        _ minutes: Double = 0, _ seconds: Double = 0, _ millis: Double = 0
    ) -> Double {
        let args = [year, month, day, hours, minutes, seconds, millis]
        guard args.allSatisfy(\.isFinite) else { return .nan }
        var y = year.rounded(.towardZero)
        if y >= 0 && y <= 99 { y += 1900 }
        let m = month.rounded(.towardZero)
        let ym = y + (m / 12).rounded(.down)
        guard Swift.abs(ym) < 400_000 else { return .nan }
        var mn = m.truncatingRemainder(dividingBy: 12)
        if mn < 0 { mn += 12 }
        let dayNumber = Double(days(fromCivil: Int(ym), Int(mn) + 1, 1)) + day.rounded(.towardZero) - 1
        let time =
            hours.rounded(.towardZero) * 3_600_000 + minutes.rounded(.towardZero) * 60_000
            + seconds.rounded(.towardZero) * 1000 + millis.rounded(.towardZero)
        return timeClip(dayNumber * millisPerDay + time)
    }

    /// Days since 1970-01-01 of a proleptic-Gregorian date (month 1...12).
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic-Gregorian date (month 1...12) of a day count since 1970-01-01.
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
