import Foundation
import PostgresNIO
import SkeinCore
import SkeinStorage

/// Data pools (`dedupe`). Claims are atomic across processes without locking the pool:
/// `INSERT … ON CONFLICT` makes a second claimant of a key wait for the first one's
/// transaction and then see its row, so every key is new to exactly one run. Keys are inserted
/// in sorted order, so two runs claiming overlapping sets never deadlock.
extension PostgresStore: DataPoolStore {
    /// Keys bound per statement on imports, so a large CSV is several modest statements (one transaction).
    static let keysPerStatement = 5_000

    public func claimKeys(pool: String, keys: [String], claimant: PoolClaimant, expiresAt: Date?, now: Date) async throws -> Set<String> {
        let unique = Array(Set(keys)).sorted()
        guard !unique.isEmpty else { return [] }
        let logger = logger
        return try await transaction { connection in
            try await PostgresStore.upsertKeys(
                connection, pool: pool, keys: unique, claimant: claimant, expiresAt: expiresAt, now: now,
                logger: logger)
            // New now, or claimed earlier by this same run and step (a retried or resumed step).
            let mine = try await connection.rows(
                """
                SELECT key FROM pool_keys WHERE pool = \(pool) AND key = ANY(\(unique))
                AND run_id IS NOT DISTINCT FROM \(claimant.runID) AND shape_id IS NOT DISTINCT FROM \(claimant.shapeID)
                """, logger: logger)
            return Set(try mine.map { try $0["key", as: String.self] })
        }
    }

    /// Inserts absent keys; an expired key still stored counts as absent and is taken over.
    /// `keys` must be unique (one statement may not touch a row twice) and sorted (lock order).
    static func upsertKeys(
        _ connection: PostgresConnection, pool: String, keys: [String], claimant: PoolClaimant, expiresAt: Date?,
        now: Date, logger: Logger
    ) async throws {
        try await connection.run(
            """
            INSERT INTO pool_keys (pool, key, first_seen_at, expires_at, run_id, shape_id)
            SELECT \(pool), k, \(now.pgValue), \(expiresAt?.pgValue), \(claimant.runID), \(claimant.shapeID)
            FROM unnest(\(keys)::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n
            ON CONFLICT (pool, key) DO UPDATE SET
                first_seen_at = excluded.first_seen_at, expires_at = excluded.expires_at,
                run_id = excluded.run_id, shape_id = excluded.shape_id
            WHERE pool_keys.expires_at IS NOT NULL AND pool_keys.expires_at <= \(now.pgValue)
            """, logger: logger)
    }

    public func recordKeys(pool: String, keys: [String], claimant: PoolClaimant, expiresAt: Date?, now: Date) async throws {
        let unique = Array(Set(keys)).sorted()
        guard !unique.isEmpty else { return }
        let logger = logger
        try await transaction { connection in
            try await PostgresStore.upsertKeys(
                connection, pool: pool, keys: unique, claimant: claimant, expiresAt: expiresAt, now: now,
                logger: logger)
            // Seen again: keep it as long as the latest sighting asks.
            if let expiresAt {
                try await connection.run(
                    """
                    UPDATE pool_keys SET expires_at = \(expiresAt.pgValue)
                    WHERE pool = \(pool) AND key = ANY(\(unique)) AND expires_at IS NOT NULL AND expires_at < \(expiresAt.pgValue)
                    """, logger: logger)
            } else {
                try await connection.run("UPDATE pool_keys SET expires_at = NULL WHERE pool = \(pool) AND key = ANY(\(unique))", logger: logger)
            }
        }
    }

    public func existingKeys(pool: String, keys: [String], now: Date) async throws -> Set<String> {
        let unique = Array(Set(keys))
        guard !unique.isEmpty else { return [] }
        let logger = logger
        return try await connection { connection in
            let rows = try await connection.rows(
                """
                SELECT key FROM pool_keys WHERE pool = \(pool) AND key = ANY(\(unique)) AND (expires_at IS NULL OR expires_at > \(now.pgValue))
                """, logger: logger)
            return Set(try rows.map { try $0["key", as: String.self] })
        }
    }

    public func dataPools() async throws -> [DataPoolSummary] {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                SELECT pool, count(*) AS n, min(first_seen_at) AS oldest, max(first_seen_at) AS newest
                FROM pool_keys GROUP BY pool ORDER BY pool
                """, logger: logger
            ).map { row in
                DataPoolSummary(
                    name: try row["pool"], keys: try row["n", as: Int.self], oldest: try row.optionalDate("oldest"),
                    newest: try row.optionalDate("newest"))
            }
        }
    }

    public func importPoolKeys(pool: String, keys: [PoolKey], now: Date) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        let logger = logger
        return try await transaction { connection in
            var added = 0
            for chunk in keys.chunked(PostgresStore.keysPerStatement) {
                // Arrays cannot carry NULLs through the binding, so "none" travels as NaN (expiry) and 0 (run id).
                let names = chunk.map(\.key)
                let seen = chunk.map(\.firstSeenAt.pgValue)
                let expiries = chunk.map { $0.expiresAt?.pgValue ?? .nan }
                let runs = chunk.map { $0.runID ?? 0 }
                added += try await connection.rows(
                    """
                    WITH inserted AS (
                        INSERT INTO pool_keys (pool, key, first_seen_at, expires_at, run_id, shape_id)
                        SELECT \(pool), k, s, NULLIF(e, 'NaN'::double precision), NULLIF(r, 0), NULL
                        FROM unnest(\(names)::text[], \(seen)::double precision[], \(expiries)::double precision[], \(runs)::bigint[]) AS t(k, s, e, r)
                        ON CONFLICT (pool, key) DO NOTHING RETURNING 1)
                    SELECT count(*) AS n FROM inserted
                    """, logger: logger)[0]["n", as: Int.self]
            }
            return added
        }
    }

    public func streamPoolKeys(pool: String, batchSize: Int, _ body: @escaping @Sendable ([PoolKey]) throws -> Void) async throws {
        let logger = logger
        try await transaction { connection in
            var batch: [PoolKey] = []
            let rows = try await connection.query(
                """
                SELECT key, first_seen_at, expires_at, run_id FROM pool_keys WHERE pool = \(pool) ORDER BY first_seen_at, key
                """, logger: logger)
            for try await raw in rows {
                let row = PGRow(raw)
                batch.append(
                    PoolKey(
                        key: try row["key"], firstSeenAt: try row.date("first_seen_at"), expiresAt: try row.optionalDate("expires_at"),
                        runID: try row.optional("run_id", as: RunID.self)))
                if batch.count >= max(1, batchSize) {
                    try body(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try body(batch) }
        }
    }

    public func pruneExpiredPoolKeys(now: Date, limit: Int) async throws -> Int {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                WITH gone AS (
                    DELETE FROM pool_keys WHERE (pool, key) IN (
                        SELECT pool, key FROM pool_keys WHERE expires_at <= \(now.pgValue) LIMIT \(max(1, limit)))
                    RETURNING 1)
                SELECT count(*) AS n FROM gone
                """, logger: logger)[0]["n", as: Int.self]
        }
    }

    public func deletePool(_ pool: String) async throws -> Int {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                "WITH gone AS (DELETE FROM pool_keys WHERE pool = \(pool) RETURNING 1) SELECT count(*) AS n FROM gone",
                logger: logger)[0]["n", as: Int.self]
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
