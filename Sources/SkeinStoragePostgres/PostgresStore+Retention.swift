import Foundation
import PostgresNIO
import SkeinStorage

/// Retention: deletes old run logs and payloads in small transactions.
extension PostgresStore {
    public func pruneRuns(olderThan cutoff: Date, limit: Int) async throws -> Int {
        let logger = logger
        return try await connection { connection in
            // Steps and payloads go with their run (ON DELETE CASCADE).
            try await connection.rows(
                """
                DELETE FROM runs WHERE id IN (
                    SELECT id FROM runs WHERE queued_at < \(cutoff.pgValue) AND status NOT IN ('queued', 'started')
                    ORDER BY queued_at LIMIT \(max(1, limit)))
                RETURNING 1
                """, logger: logger
            ).count
        }
    }

    public func prunePayloads(olderThan cutoff: Date, limit: Int) async throws -> Int {
        let logger = logger
        return try await transaction { connection in
            let runIDs: [Int64] = try await connection.rows(
                """
                DELETE FROM payloads WHERE id IN (
                    SELECT p.id FROM runs r JOIN payloads p ON p.run_id = r.id
                    WHERE r.queued_at < \(cutoff.pgValue) AND r.status NOT IN ('queued', 'started')
                    LIMIT \(max(1, limit)))
                RETURNING run_id
                """, logger: logger
            ).map { try $0["run_id"] }
            if !runIDs.isEmpty {
                try await connection.run("UPDATE runs SET payloads_expired = true WHERE id = ANY(\(Array(Set(runIDs))))", logger: logger)
            }
            return runIDs.count
        }
    }
}
