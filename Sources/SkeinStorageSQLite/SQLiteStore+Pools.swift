import Foundation
import GRDB
import SkeinCore
import SkeinStorage

/// Data pools (`dedupe`): insert-if-absent in one write transaction. SQLite has one writer at a
/// time (across processes too), so two runs claiming the same key serialise on the write lock
/// and exactly one of them inserts it.
extension SQLiteStore: DataPoolStore {
    /// Keys per statement, below SQLite's bound-parameter limit.
    static let keysPerStatement = 400

    public func claimKeys(pool: String, keys: [String], claimant: PoolClaimant, expiresAt: Date?, now: Date) async throws -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return try await write { db in
            try SQLiteStore.upsertKeys(db, pool: pool, keys: keys, claimant: claimant, expiresAt: expiresAt, now: now)
            var mine: Set<String> = []
            for chunk in Array(Set(keys)).chunked(SQLiteStore.keysPerStatement) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                var arguments: StatementArguments = [pool]
                arguments += StatementArguments(chunk)
                arguments += [claimant.runID, claimant.shapeID]
                let rows = try String.fetchAll(
                    db,
                    sql: """
                        SELECT key FROM pool_keys WHERE pool = ? AND key IN (\(marks)) AND run_id IS ? AND shape_id IS ?
                        """, arguments: arguments)
                mine.formUnion(rows)
            }
            return mine
        }
    }

    /// Inserts absent keys; an expired key still on disk counts as absent and is taken over.
    static func upsertKeys(_ db: Database, pool: String, keys: [String], claimant: PoolClaimant, expiresAt: Date?, now: Date) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO pool_keys (pool, key, first_seen_at, expires_at, run_id, shape_id) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (pool, key) DO UPDATE SET
                    first_seen_at = excluded.first_seen_at, expires_at = excluded.expires_at,
                    run_id = excluded.run_id, shape_id = excluded.shape_id
                WHERE pool_keys.expires_at IS NOT NULL AND pool_keys.expires_at <= ?
                """)
        for key in keys {
            try statement.execute(arguments: [
                pool, key, now.storageValue, expiresAt?.storageValue, claimant.runID, claimant.shapeID,
                now.storageValue,
            ])
        }
    }

    public func recordKeys(pool: String, keys: [String], claimant: PoolClaimant, expiresAt: Date?, now: Date) async throws {
        guard !keys.isEmpty else { return }
        try await write { db in
            try SQLiteStore.upsertKeys(db, pool: pool, keys: keys, claimant: claimant, expiresAt: expiresAt, now: now)
            // Seen again: keep it as long as the latest sighting asks.
            let extend = try db.cachedStatement(
                sql: """
                    UPDATE pool_keys SET expires_at = ? WHERE pool = ? AND key = ? AND expires_at IS NOT NULL AND expires_at < ?
                    """)
            if let expiresAt {
                for key in keys { try extend.execute(arguments: [expiresAt.storageValue, pool, key, expiresAt.storageValue]) }
            } else {
                let forever = try db.cachedStatement(sql: "UPDATE pool_keys SET expires_at = NULL WHERE pool = ? AND key = ?")
                for key in keys { try forever.execute(arguments: [pool, key]) }
            }
        }
    }

    public func existingKeys(pool: String, keys: [String], now: Date) async throws -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return try await read { db in
            var found: Set<String> = []
            for chunk in Array(Set(keys)).chunked(SQLiteStore.keysPerStatement) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                var arguments: StatementArguments = [pool]
                arguments += StatementArguments(chunk)
                arguments += [now.storageValue]
                found.formUnion(
                    try String.fetchAll(
                        db,
                        sql: """
                            SELECT key FROM pool_keys WHERE pool = ? AND key IN (\(marks)) AND (expires_at IS NULL OR expires_at > ?)
                            """, arguments: arguments))
            }
            return found
        }
    }

    public func dataPools() async throws -> [DataPoolSummary] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT pool, count(*) AS keys, min(first_seen_at) AS oldest, max(first_seen_at) AS newest
                    FROM pool_keys GROUP BY pool ORDER BY pool
                    """
            ).map { DataPoolSummary(name: $0["pool"], keys: $0["keys"], oldest: $0.date("oldest"), newest: $0.date("newest")) }
        }
    }

    public func importPoolKeys(pool: String, keys: [PoolKey], now: Date) async throws -> Int {
        try await write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO pool_keys (pool, key, first_seen_at, expires_at, run_id, shape_id) VALUES (?, ?, ?, ?, ?, NULL)
                    ON CONFLICT (pool, key) DO NOTHING
                    """)
            var added = 0
            for key in keys {
                try statement.execute(arguments: [pool, key.key, key.firstSeenAt.storageValue, key.expiresAt?.storageValue, key.runID])
                added += db.changesCount
            }
            return added
        }
    }

    public func streamPoolKeys(pool: String, batchSize: Int, _ body: @escaping @Sendable ([PoolKey]) throws -> Void) async throws {
        try await read { db in
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT key, first_seen_at, expires_at, run_id FROM pool_keys WHERE pool = ? ORDER BY first_seen_at, key
                    """, arguments: [pool])
            var batch: [PoolKey] = []
            while let row = try cursor.next() {
                batch.append(
                    PoolKey(
                        key: row["key"], firstSeenAt: row.date("first_seen_at") ?? Date(timeIntervalSince1970: 0),
                        expiresAt: row.date("expires_at"), runID: row["run_id"]))
                if batch.count >= max(1, batchSize) { try body(batch); batch.removeAll(keepingCapacity: true) }
            }
            if !batch.isEmpty { try body(batch) }
        }
    }

    public func pruneExpiredPoolKeys(now: Date, limit: Int) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: """
                    DELETE FROM pool_keys WHERE (pool, key) IN (SELECT pool, key FROM pool_keys WHERE expires_at <= ? LIMIT ?)
                    """, arguments: [now.storageValue, max(1, limit)])
            return db.changesCount
        }
    }

    public func deletePool(_ pool: String) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM pool_keys WHERE pool = ?", arguments: [pool])
            return db.changesCount
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
