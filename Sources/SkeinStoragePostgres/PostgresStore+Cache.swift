import Foundation
import NIOCore
import PostgresNIO
import SkeinCore
import SkeinStorage

/// Caches (`cache` shape): entries replaced by key, the oldest evicted beyond the limits, all
/// in the add's transaction.
extension PostgresStore: CacheStore {
    public func cacheAdd(_ address: CacheAddress, entries: [CacheEntry], maxEntries: Int, maxBytes: Int, now: Date) async throws -> Int {
        let encoded = entries.map { ($0, PayloadCodec.encode($0.payload)) }
        let logger = logger
        return try await transaction { connection in
            for (entry, stored) in encoded {
                // A replaced entry takes a new id, so it counts as the newest for eviction. One
                // statement, so two processes adding the same key at once cannot collide.
                try await connection.run(
                    """
                    INSERT INTO cache_entries (scope, name, key, added_at, expires_at, content_type, size, encoding, data)
                    VALUES (\(address.scope), \(address.name), \(entry.key), \(now.pgValue), \(entry.expiresAt?.pgValue),
                            \(entry.payload.contentType), \(stored.size), \(stored.encoding), \(ByteBuffer(bytes: stored.data)))
                    ON CONFLICT (scope, name, key) DO UPDATE SET id = DEFAULT, added_at = excluded.added_at,
                        expires_at = excluded.expires_at, content_type = excluded.content_type, size = excluded.size,
                        encoding = excluded.encoding, data = excluded.data
                    """, logger: logger)
            }
            return try await connection.rows(
                """
                WITH gone AS (
                    DELETE FROM cache_entries WHERE id IN (
                        SELECT id FROM (
                            SELECT id, row_number() OVER (ORDER BY id DESC) AS position, sum(size) OVER (ORDER BY id DESC) AS total
                            FROM cache_entries WHERE scope = \(address.scope) AND name = \(address.name)) AS ranked
                        WHERE position > \(max(0, maxEntries)) OR total > \(max(0, maxBytes)))
                    RETURNING 1)
                SELECT count(*) AS n FROM gone
                """, logger: logger)[0]["n", as: Int.self]
        }
    }

    public func cacheLoad(_ address: CacheAddress, keys: [String]?, now: Date) async throws -> [CacheEntry] {
        if let keys, keys.isEmpty { return [] }
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                SELECT key, expires_at, content_type, size, encoding, data FROM cache_entries
                WHERE scope = \(address.scope) AND name = \(address.name) AND (expires_at IS NULL OR expires_at > \(now.pgValue))
                  AND (\(keys == nil) OR key = ANY(\(keys ?? [])))
                ORDER BY id
                """, logger: logger
            ).map { row in
                let bytes = try PayloadCodec.decode(encoding: try row["encoding"], data: try row.bytes("data"), size: try row["size", as: Int.self])
                return CacheEntry(
                    key: try row["key"], payload: Payload(bytes: bytes, contentType: try row["content_type"]),
                    expiresAt: try row.optionalDate("expires_at"))
            }
        }
    }

    public func cacheClear(_ address: CacheAddress) async throws -> Int {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                WITH gone AS (DELETE FROM cache_entries WHERE scope = \(address.scope) AND name = \(address.name) RETURNING 1)
                SELECT count(*) AS n FROM gone
                """, logger: logger)[0]["n", as: Int.self]
        }
    }

    public func pruneExpiredCacheEntries(now: Date, limit: Int) async throws -> Int {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                WITH gone AS (
                    DELETE FROM cache_entries WHERE id IN (
                        SELECT id FROM cache_entries WHERE expires_at <= \(now.pgValue) LIMIT \(max(1, limit)))
                    RETURNING 1)
                SELECT count(*) AS n FROM gone
                """, logger: logger)[0]["n", as: Int.self]
        }
    }
}
