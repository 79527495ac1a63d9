import Foundation
import GRDB
import SkeinStorage

/// One-time action tokens: one insert in a write transaction. SQLite has one writer at a time
/// (across processes too), so two uses of one token cannot both insert.
extension SQLiteStore: ActionTokenStore {
    public func useActionToken(_ token: String, expiresAt: Date, now: Date) async throws -> Bool {
        try await write { db in
            // A token whose memory ended may be used again (its row is taken over).
            try db.execute(
                sql: """
                    INSERT INTO action_tokens (token, expires_at) VALUES (?, ?)
                    ON CONFLICT (token) DO UPDATE SET expires_at = excluded.expires_at WHERE action_tokens.expires_at <= ?
                    """, arguments: [token, expiresAt.storageValue, now.storageValue])
            return db.changesCount == 1
        }
    }

    public func pruneExpiredActionTokens(now: Date, limit: Int) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: """
                    DELETE FROM action_tokens WHERE rowid IN (SELECT rowid FROM action_tokens WHERE expires_at <= ? LIMIT ?)
                    """, arguments: [now.storageValue, max(1, limit)])
            return db.changesCount
        }
    }
}
