import Foundation
import PostgresNIO
import SkeinStorage

/// One-time action tokens across processes: one insert under the unique key `token`. A
/// concurrent use of the same token waits on the first insert's row lock until it commits,
/// then finds the row held and changes nothing.
extension PostgresStore: ActionTokenStore {
    public func useActionToken(_ token: String, expiresAt: Date, now: Date) async throws -> Bool {
        let logger = logger
        return try await connection { connection in
            try await !connection.rows(
                """
                INSERT INTO action_tokens (token, expires_at) VALUES (\(token), \(expiresAt.pgValue))
                ON CONFLICT (token) DO UPDATE SET expires_at = excluded.expires_at WHERE action_tokens.expires_at <= \(now.pgValue)
                RETURNING 1 AS used
                """, logger: logger
            ).isEmpty
        }
    }

    public func pruneExpiredActionTokens(now: Date, limit: Int) async throws -> Int {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                WITH gone AS (
                    DELETE FROM action_tokens WHERE token IN (
                        SELECT token FROM action_tokens WHERE expires_at <= \(now.pgValue) LIMIT \(max(1, limit)))
                    RETURNING 1)
                SELECT count(*) AS n FROM gone
                """, logger: logger)[0]["n", as: Int.self]
        }
    }
}
