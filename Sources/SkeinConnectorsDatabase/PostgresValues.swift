import Foundation
import NIOCore
import PostgresNIO
import SkeinCore
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

    /// The calendar date of a PostgreSQL day number (days since 2000-01-01, 10,957 days after 1970).
    static func date(daysSince2000: Int) -> String {
        let civil = CivilDate(daysSinceEpoch: Int64(daysSince2000 + 10_957))
        let (year, month, day) = (civil.year, civil.month, civil.day)
        let yearText = String(year)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + "-" + two(Int64(month)) + "-" + two(Int64(day))
    }

    private static func two(_ value: some BinaryInteger) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
