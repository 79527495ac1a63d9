import Foundation
import GRDB
import SkeinCore
import SkeinStorage

/// Caches (`cache` shape): entries replaced by key, the oldest evicted beyond the limits, all
/// in the add's transaction.
extension SQLiteStore: CacheStore {
    public func cacheAdd(_ address: CacheAddress, entries: [CacheEntry], maxEntries: Int, maxBytes: Int, now: Date) async throws -> Int {
        let encoded = entries.map { ($0, PayloadCodec.encode($0.payload)) }
        return try await write { db in
            let delete = try db.cachedStatement(sql: "DELETE FROM cache_entries WHERE scope = ? AND name = ? AND key = ?")
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO cache_entries (scope, name, key, added_at, expires_at, content_type, size, encoding, data)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for (entry, stored) in encoded {
                // Delete then insert, so a replaced entry counts as the newest for eviction.
                try delete.execute(arguments: [address.scope, address.name, entry.key])
                try insert.execute(arguments: [
                    address.scope, address.name, entry.key, now.storageValue, entry.expiresAt?.storageValue,
                    entry.payload.contentType, stored.size, stored.encoding, Data(stored.data),
                ])
            }
            try db.execute(
                sql: """
                    DELETE FROM cache_entries WHERE id IN (
                        SELECT id FROM (
                            SELECT id, row_number() OVER (ORDER BY id DESC) AS position, sum(size) OVER (ORDER BY id DESC) AS total
                            FROM cache_entries WHERE scope = ? AND name = ?)
                        WHERE position > ? OR total > ?)
                    """, arguments: [address.scope, address.name, max(0, maxEntries), max(0, maxBytes)])
            return db.changesCount
        }
    }

    public func cacheLoad(_ address: CacheAddress, keys: [String]?, now: Date) async throws -> [CacheEntry] {
        try await read { db in
            var sql = """
                SELECT key, expires_at, content_type, size, encoding, data FROM cache_entries
                WHERE scope = ? AND name = ? AND (expires_at IS NULL OR expires_at > ?)
                """
            var arguments: StatementArguments = [address.scope, address.name, now.storageValue]
            if let keys {
                if keys.isEmpty { return [] }
                sql += " AND key IN (\(Array(repeating: "?", count: keys.count).joined(separator: ",")))"
                arguments += StatementArguments(keys)
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: arguments).map { row in
                let data: Data = row["data"]
                let bytes = try PayloadCodec.decode(encoding: row["encoding"], data: data, size: row["size"])
                return CacheEntry(key: row["key"], payload: Payload(bytes: bytes, contentType: row["content_type"]), expiresAt: row.date("expires_at"))
            }
        }
    }

    public func cacheClear(_ address: CacheAddress) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM cache_entries WHERE scope = ? AND name = ?", arguments: [address.scope, address.name])
            return db.changesCount
        }
    }

    public func pruneExpiredCacheEntries(now: Date, limit: Int) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: "DELETE FROM cache_entries WHERE id IN (SELECT id FROM cache_entries WHERE expires_at <= ? LIMIT ?)",
                arguments: [now.storageValue, max(1, limit)])
            return db.changesCount
        }
    }
}
