import SkeinCore
import SkeinJSON

/// One open database connection for one step. `SQLiteBackend` and `PostgresBackend` implement it.
protocol DatabaseBackend: Sendable {
    /// Runs a statement with positional parameters (`$1`, `$2`, …) bound, never spliced in;
    /// returns its rows as JSON objects, column names as keys.
    func query(_ sql: String, parameters: [JSON]) async throws -> [JSON]
    /// Inserts (or upserts) every row in one transaction; all or none are written.
    func insert(into table: QualifiedName, rows: [JSON.Object], upsertOn: [String]) async throws -> Int
    func close() async
}

/// The SQL of one row's INSERT, the same text for both databases apart from the
/// placeholder style (`$1` for PostgreSQL, `?1` for SQLite).
enum InsertSQL {
    static func statement(table: QualifiedName, columns: [String], upsertOn: [String], placeholder: (Int) -> String) -> String {
        var sql = "INSERT INTO \(table.quoted) (" + columns.map(SQLText.quoteIdentifier).joined(separator: ", ") + ") VALUES ("
        sql += (1...columns.count).map(placeholder).joined(separator: ", ") + ")"
        guard !upsertOn.isEmpty else { return sql }
        sql += " ON CONFLICT (" + upsertOn.map(SQLText.quoteIdentifier).joined(separator: ", ") + ")"
        let updated = columns.filter { !upsertOn.contains($0) }
        if updated.isEmpty { return sql + " DO NOTHING" }
        return sql + " DO UPDATE SET "
            + updated.map {
                let column = SQLText.quoteIdentifier($0)
                return "\(column) = excluded.\(column)"
            }.joined(separator: ", ")
    }
}
