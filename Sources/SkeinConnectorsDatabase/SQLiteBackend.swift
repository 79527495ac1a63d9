import Foundation
import GRDB
import SkeinCore
import SkeinJSON

/// A SQLite file through GRDB. The file must exist: a typo in the address must not create
/// an empty database and report "0 rows".
struct SQLiteBackend: DatabaseBackend {
    let queue: DatabaseQueue
    let path: String

    static func open(path: String, instance: Instance) throws(ShapeFailure) -> SQLiteBackend {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw ShapeFailure("instance '\(instance.name)': the SQLite database \(path) does not exist")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        do {
            return SQLiteBackend(queue: try DatabaseQueue(path: path, configuration: configuration), path: path)
        } catch {
            throw ShapeFailure("instance '\(instance.name)': cannot open the SQLite database \(path): \(DatabaseFailures.sqliteMessage(error))")
        }
    }

    func query(_ sql: String, parameters: [JSON]) async throws -> [JSON] {
        let rewritten = SQLitePlaceholders.rewrite(sql)
        let arguments = StatementArguments(parameters.map(SQLiteBackend.databaseValue))
        // A write transaction, so `UPDATE … RETURNING` and DDL work as in PostgreSQL.
        return try await queue.write { db in
            let statement = try db.makeStatement(sql: rewritten)
            let declaredTypes = (0..<statement.columnCount).map { SQLiteDeclaredType.of(statement, column: $0) }
            let names = statement.columnNames
            var result: [JSON] = []
            let rows = try Row.fetchCursor(statement, arguments: arguments)
            while let row = try rows.next() {
                var object: JSON.Object = [:]
                for (index, name) in names.enumerated() {
                    object[name] = SQLiteBackend.json(row[index] as DatabaseValue, declaredType: declaredTypes[index])
                }
                result.append(.object(object))
            }
            return result
        }
    }

    func insert(into table: QualifiedName, rows: [JSON.Object], upsertOn: [String]) async throws -> Int {
        try await queue.write { db in
            for row in rows {
                let columns = Array(row.keys)
                let sql = InsertSQL.statement(table: table, columns: columns, upsertOn: upsertOn) { "?\($0)" }
                try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(columns.map { SQLiteBackend.databaseValue(row[$0]!) }))
            }
            return rows.count
        }
    }

    func close() async { try? queue.close() }

    /// JSON → SQLite: integers as INTEGER, other numbers as REAL, booleans as 1/0, objects
    /// and arrays as JSON text.
    static func databaseValue(_ value: JSON) -> DatabaseValue {
        switch value {
        case .null: return .null
        case .bool(let bool): return (bool ? 1 : 0).databaseValue
        case .number(let number):
            if number == number.rounded(), abs(number) < 9.2e18 { return Int64(number).databaseValue }
            return number.databaseValue
        case .string(let string): return string.databaseValue
        default: return value.serialized().databaseValue
        }
    }

    /// SQLite → JSON, helped by the column's declared type: BOOL/BOOLEAN columns give
    /// booleans, JSON columns give JSON, BLOBs give base64 text.
    static func json(_ value: DatabaseValue, declaredType: String?) -> JSON {
        let declared = declaredType?.uppercased() ?? ""
        switch value.storage {
        case .null: return .null
        case .int64(let int):
            if declared.hasPrefix("BOOL") { return .bool(int != 0) }
            return .number(Double(int))
        case .double(let double): return .number(double)
        case .string(let string):
            if declared == "JSON" || declared == "JSONB", let parsed = try? JSON(parsing: Array(string.utf8)) { return parsed }
            return .string(string)
        case .blob(let data): return .string(data.base64EncodedString())
        }
    }
}

/// SQLite numbers `$1` by order of first appearance, not by its digits; `?1` is explicit.
/// So the `$N` a flow writes become `?N` (outside quoted text).
enum SQLitePlaceholders {
    static func rewrite(_ sql: String) -> String {
        var result = ""
        var quote: Character?
        var index = sql.startIndex
        while index < sql.endIndex {
            let character = sql[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "$" {
                let next = sql.index(after: index)
                if next < sql.endIndex, sql[next].isASCII, sql[next].isNumber {
                    result.append("?")
                    index = next
                    continue
                }
            }
            result.append(character)
            index = sql.index(after: index)
        }
        return result
    }
}
