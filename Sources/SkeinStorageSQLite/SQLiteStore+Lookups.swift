import Foundation
import GRDB
import SkeinCore
import SkeinStorage

/// Lookup tables: a `lookups` row per table, its rows in `lookup_rows` (deleted with it).
extension SQLiteStore: LookupStore {
    public func saveLookup(_ table: LookupTable, updatedAt: Date) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO lookups (name, description, default_value, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET description = excluded.description, default_value = excluded.default_value,
                        updated_at = excluded.updated_at
                    """, arguments: [table.name, table.description, table.defaultValue, updatedAt.storageValue])
            try db.execute(sql: "DELETE FROM lookup_rows WHERE lookup_name = ?", arguments: [table.name])
            try Self.insertRows(db, table: table.name, rows: table.rows.enumerated().map { ($0.offset + 1, $0.element) })
        }
    }

    static func insertRows(_ db: Database, table: String, rows: [(position: Int, row: LookupRow)]) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO lookup_rows (lookup_name, left_value, right_value, position) VALUES (?, ?, ?, ?)
                """)
        for (position, row) in rows {
            try statement.execute(arguments: [table, row.left, row.right, position])
        }
    }

    public func lookup(named name: String) async throws -> LookupTable? {
        try await read { db in
            guard let head = try Row.fetchOne(db, sql: "SELECT * FROM lookups WHERE name = ?", arguments: [name]) else { return nil }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT left_value, right_value FROM lookup_rows WHERE lookup_name = ? ORDER BY position
                    """, arguments: [name]
            ).map { LookupRow(left: $0["left_value"], right: $0["right_value"]) }
            return LookupTable(name: head["name"], description: head["description"], defaultValue: head["default_value"], rows: rows)
        }
    }

    public func lookups() async throws -> [LookupSummary] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT l.*, (SELECT count(*) FROM lookup_rows r WHERE r.lookup_name = l.name) AS row_count
                    FROM lookups l ORDER BY l.name
                    """
            ).map { row in
                LookupSummary(
                    name: row["name"], description: row["description"], defaultValue: row["default_value"],
                    rowCount: row["row_count"], updatedAt: row.date("updated_at") ?? Date(timeIntervalSince1970: 0))
            }
        }
    }

    public func deleteLookup(named name: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM lookups WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    public func importLookupRows(_ name: String, rows: [LookupRow], now: Date) async throws -> LookupMergeCounts {
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM lookups WHERE name = ?", arguments: [name]) != nil else {
                throw StorageError(.notFound, "no lookup table named '\(name)'")
            }
            var existing: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT left_value, right_value FROM lookup_rows WHERE lookup_name = ?", arguments: [name]) {
                existing[row["left_value"]] = row["right_value"]
            }
            let last = try Int.fetchOne(db, sql: "SELECT max(position) FROM lookup_rows WHERE lookup_name = ?", arguments: [name]) ?? 0
            let plan = try LookupImportPlan(table: name, existing: existing, lastPosition: last, incoming: rows)
            let update = try db.cachedStatement(sql: "UPDATE lookup_rows SET right_value = ? WHERE lookup_name = ? AND left_value = ?")
            for row in plan.updated {
                try update.execute(arguments: [row.right, name, row.left])
            }
            try Self.insertRows(db, table: name, rows: plan.added)
            try db.execute(sql: "UPDATE lookups SET updated_at = ? WHERE name = ?", arguments: [now.storageValue, name])
            return plan.counts
        }
    }

    public func removeLookupRow(_ name: String, left: String, now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM lookup_rows WHERE lookup_name = ? AND left_value = ?", arguments: [name, left])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "UPDATE lookups SET updated_at = ? WHERE name = ?", arguments: [now.storageValue, name])
            return true
        }
    }
}
