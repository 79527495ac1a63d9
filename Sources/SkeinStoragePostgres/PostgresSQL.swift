import Foundation
import PostgresNIO
import SkeinJSON
import SkeinStorage

/// A statement built piece by piece with numbered parameters (`$1`, `$2`, …), for queries
/// whose filters vary. Values are always bound, never spliced into the text.
struct SQLStatement {
    var text: String
    private(set) var bindings = PostgresBindings()
    private var count = 0

    init(_ text: String = "") { self.text = text }

    /// Binds `value` and returns its placeholder.
    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        bindings.append(value)
        count += 1
        return "$\(count)"
    }

    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value?) -> String {
        bindings.append(value)
        count += 1
        return "$\(count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: text, binds: bindings) }
}

/// One result row with typed, named reads.
struct PGRow {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) { self.row = row.makeRandomAccess() }

    subscript<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) -> T {
        get throws { try row[column].decode(T.self) }
    }

    func optional<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T? where T._DecodableType == T {
        try row[column].decode(T?.self)
    }

    func date(_ column: String) throws -> Date { Date(timeIntervalSince1970: try self[column, as: Double.self]) }

    func optionalDate(_ column: String) throws -> Date? {
        try optional(column, as: Double.self).map(Date.init(timeIntervalSince1970:))
    }

    func bytes(_ column: String) throws -> [UInt8] {
        let buffer: ByteBuffer = try self[column]
        return Array(buffer: buffer)
    }
}

extension PostgresConnection {
    /// Runs `query` and collects its rows.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PGRow] {
        var result: [PGRow] = []
        for try await row in try await self.query(query, logger: logger) { result.append(PGRow(row)) }
        return result
    }

    func rows(_ statement: SQLStatement, logger: Logger) async throws -> [PGRow] {
        try await rows(statement.query, logger: logger)
    }

    /// Runs `query`, ignoring any rows.
    func run(_ query: PostgresQuery, logger: Logger) async throws {
        for try await _ in try await self.query(query, logger: logger) {}
    }
}

extension Date {
    /// Times are stored as seconds since 1970 (double precision), exactly as in SQLite, so both
    /// backends return the same `Date` for what they were given.
    var pgValue: Double { timeIntervalSince1970 }
}

func decodeJSONText(_ text: String?) -> JSON? {
    guard let text else { return nil }
    return try? JSON(parsing: text)
}
