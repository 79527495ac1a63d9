import GRDB
import GRDBSQLite

/// The type a result column was declared with (`BOOLEAN`, `JSON`, `TEXT`), or nil for an
/// expression. SQLite stores values loosely; the declaration says what the author meant.
enum SQLiteDeclaredType {
    static func of(_ statement: Statement, column: Int) -> String? {
        sqlite3_column_decltype(statement.sqliteStatement, Int32(column)).map { String(cString: $0) }
    }
}
