import Foundation
import NIOCore
import PostgresNIO
import SkeinJSON

/// PostgreSQL result cells → JSON:
///
/// | PostgreSQL                         | JSON                                        |
/// |------------------------------------|---------------------------------------------|
/// | smallint, integer, bigint          | number                                      |
/// | real, double precision, numeric    | number (numeric rounded to a double)        |
/// | boolean                            | true / false                                |
/// | text, varchar, char, name, uuid    | string                                      |
/// | timestamptz                        | `"2026-11-23T14:05:00.123456Z"` (UTC)       |
/// | timestamp (without time zone)      | `"2026-11-23T14:05:00"`                     |
/// | date                               | `"2026-11-23"`                              |
/// | json, jsonb                        | the JSON value itself                       |
/// | NULL                               | null                                        |
/// | anything else                      | its text, when PostgreSQL sends it as text  |
enum PostgresValues {
    struct Unsupported: Error, CustomStringConvertible {
        let column: String
        let type: PostgresDataType
        var description: String { "column '\(column)' has type \(type) that Skein cannot turn into JSON; cast it in the query (for example \(column)::text)" }
    }

    static func json(_ cell: PostgresCell) throws -> JSON {
        guard var bytes = cell.bytes else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .number(Double(try cell.decode(Int.self)))
        case .float4, .float8: return .number(try cell.decode(Double.self))
        case .numeric:
            let decimal = try cell.decode(Decimal.self)
            return .number(Double("\(decimal)") ?? .nan)
        case .bool: return .bool(try cell.decode(Bool.self))
        case .json, .jsonb:
            let text = try cell.decode(String.self)
            return try JSON(parsing: Array(text.utf8))
        case .timestamptz, .timestamp:
            guard cell.format == .binary, let micros = bytes.readInteger(as: Int64.self) else { return .string(try cell.decode(String.self)) }
            return .string(ISOTime.timestamp(microsecondsSince2000: micros, utc: cell.dataType == .timestamptz))
        case .date:
            guard cell.format == .binary, let days = bytes.readInteger(as: Int32.self) else { return .string(try cell.decode(String.self)) }
            return .string(ISOTime.date(daysSince2000: Int(days)))
        case .bytea:
            return .string(bytes.readBytes(length: bytes.readableBytes).map { Data($0).base64EncodedString() } ?? "")
        default:
            do { return .string(try cell.decode(String.self)) } catch {
                throw Unsupported(column: cell.columnName, type: cell.dataType)
            }
        }
    }
}

/// ISO 8601 text for PostgreSQL's binary dates (epoch 2000-01-01), exact to the microsecond.
enum ISOTime {
    static func timestamp(microsecondsSince2000 micros: Int64, utc: Bool) -> String {
        let perDay: Int64 = 86_400_000_000
        var day = micros / perDay
        var rest = micros % perDay
        if rest < 0 { rest += perDay; day -= 1 }
        let seconds = rest / 1_000_000
        let fraction = rest % 1_000_000
        var text = date(daysSince2000: Int(day)) + "T" + two(seconds / 3600) + ":" + two(seconds / 60 % 60) + ":" + two(seconds % 60)
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 6 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return utc ? text + "Z" : text
    }

    /// Howard Hinnant's civil-from-days, shifted from 1970 to 2000 (10,957 days).
    static func date(daysSince2000: Int) -> String {
        let z = daysSince2000 + 10_957 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let yearText = String(year)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + "-" + two(Int64(month)) + "-" + two(Int64(day))
    }

    private static func two(_ value: some BinaryInteger) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
