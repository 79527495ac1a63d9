import Foundation
import PostgresNIO
import SkeinCore
import SkeinStorage

/// Lookup tables: a `lookups` row per table, its rows in `lookup_rows` (deleted with it). Writers
/// of one table lock its `lookups` row first, so an import and a save of the same table queue up.
extension PostgresStore: LookupStore {
    /// Rows bound per statement, so a large import is several modest statements (one transaction).
    static let lookupRowsPerStatement = 5_000

    public func saveLookup(_ table: LookupTable, updatedAt: Date) async throws {
        let logger = logger
        try await transaction { connection in
            try await connection.run(
                """
                INSERT INTO lookups (name, description, default_value, updated_at)
                VALUES (\(table.name), \(table.description), \(table.defaultValue), \(updatedAt.pgValue))
                ON CONFLICT (name) DO UPDATE SET description = excluded.description, default_value = excluded.default_value,
                    updated_at = excluded.updated_at
                """, logger: logger)
            try await connection.run("DELETE FROM lookup_rows WHERE lookup_name = \(table.name)", logger: logger)
            try await PostgresStore.insertLookupRows(
                connection, table: table.name,
                rows: table.rows.enumerated().map { ($0.offset + 1, $0.element) }, logger: logger)
        }
    }

    static func insertLookupRows(
        _ connection: PostgresConnection, table: String, rows: [(position: Int, row: LookupRow)],
        logger: Logger
    ) async throws {
        for chunk in rows.chunked(lookupRowsPerStatement) {
            let lefts = chunk.map(\.row.left)
            let rights = chunk.map(\.row.right)
            let positions = chunk.map(\.position)
            try await connection.run(
                """
                INSERT INTO lookup_rows (lookup_name, left_value, right_value, position)
                SELECT \(table), l, r, p FROM unnest(\(lefts)::text[], \(rights)::text[], \(positions)::integer[]) AS t(l, r, p)
                """, logger: logger)
        }
    }

    public func lookup(named name: String) async throws -> LookupTable? {
        let logger = logger
        return try await transaction { connection in
            guard let head = try await connection.rows("SELECT * FROM lookups WHERE name = \(name)", logger: logger).first else { return nil }
            let rows = try await connection.rows(
                """
                SELECT left_value, right_value FROM lookup_rows WHERE lookup_name = \(name) ORDER BY position
                """, logger: logger
            ).map { LookupRow(left: try $0["left_value"], right: try $0["right_value"]) }
            return LookupTable(
                name: try head["name"], description: try head["description"],
                defaultValue: try head.optional("default_value", as: String.self), rows: rows)
        }
    }

    public func lookups() async throws -> [LookupSummary] {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                SELECT l.*, (SELECT count(*) FROM lookup_rows r WHERE r.lookup_name = l.name) AS row_count
                FROM lookups l ORDER BY l.name
                """, logger: logger
            ).map { row in
                LookupSummary(
                    name: try row["name"], description: try row["description"],
                    defaultValue: try row.optional("default_value", as: String.self),
                    rowCount: try row["row_count", as: Int.self], updatedAt: try row.date("updated_at"))
            }
        }
    }

    public func deleteLookup(named name: String) async throws -> Bool {
        let logger = logger
        return try await transaction { connection in
            try await !connection.rows("DELETE FROM lookups WHERE name = \(name) RETURNING 1", logger: logger).isEmpty
        }
    }

    public func importLookupRows(_ name: String, rows: [LookupRow], now: Date) async throws -> LookupMergeCounts {
        let logger = logger
        return try await transaction { connection in
            guard try await !connection.rows("SELECT 1 FROM lookups WHERE name = \(name) FOR UPDATE", logger: logger).isEmpty else {
                throw StorageError(.notFound, "no lookup table named '\(name)'")
            }
            var existing: [String: String] = [:]
            var last = 0
            for row in try await connection.rows(
                """
                SELECT left_value, right_value, position FROM lookup_rows WHERE lookup_name = \(name)
                """, logger: logger)
            {
                existing[try row["left_value", as: String.self]] = try row["right_value", as: String.self]
                last = max(last, try row["position", as: Int.self])
            }
            let plan = try LookupImportPlan(table: name, existing: existing, lastPosition: last, incoming: rows)
            for chunk in plan.updated.chunked(PostgresStore.lookupRowsPerStatement) {
                let lefts = chunk.map(\.left)
                let rights = chunk.map(\.right)
                try await connection.run(
                    """
                    UPDATE lookup_rows SET right_value = t.r FROM unnest(\(lefts)::text[], \(rights)::text[]) AS t(l, r)
                    WHERE lookup_name = \(name) AND left_value = t.l
                    """, logger: logger)
            }
            try await PostgresStore.insertLookupRows(connection, table: name, rows: plan.added, logger: logger)
            try await connection.run("UPDATE lookups SET updated_at = \(now.pgValue) WHERE name = \(name)", logger: logger)
            return plan.counts
        }
    }

    public func removeLookupRow(_ name: String, left: String, now: Date) async throws -> Bool {
        let logger = logger
        return try await transaction { connection in
            let removed = try await connection.rows(
                """
                DELETE FROM lookup_rows WHERE lookup_name = \(name) AND left_value = \(left) RETURNING 1
                """, logger: logger)
            guard !removed.isEmpty else { return false }
            try await connection.run("UPDATE lookups SET updated_at = \(now.pgValue) WHERE name = \(name)", logger: logger)
            return true
        }
    }
}
