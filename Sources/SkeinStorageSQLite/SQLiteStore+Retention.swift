import Foundation
import GRDB
import SkeinStorage

/// Retention: deletes old run logs and payloads in small transactions, so a worker writing a
/// step never waits long behind the pruner (SQLite has one writer at a time).
extension SQLiteStore {
    public func pruneRuns(olderThan cutoff: Date, limit: Int) async throws -> Int {
        try await write { db in
            // Steps and payloads go with their run (ON DELETE CASCADE).
            try db.execute(
                sql: """
                    DELETE FROM runs WHERE id IN (
                        SELECT id FROM runs
                        WHERE queued_at < ? AND status NOT IN ('queued', 'started')
                        ORDER BY queued_at LIMIT ?)
                    """, arguments: [cutoff.storageValue, max(1, limit)])
            return db.changesCount
        }
    }

    public func prunePayloads(olderThan cutoff: Date, limit: Int) async throws -> Int {
        try await write { db in
            let runIDs = try Int64.fetchAll(
                db,
                sql: """
                    DELETE FROM payloads WHERE id IN (
                        SELECT payloads.id FROM runs JOIN payloads ON payloads.run_id = runs.id
                        WHERE runs.queued_at < ? AND runs.status NOT IN ('queued', 'started')
                        LIMIT ?)
                    RETURNING run_id
                    """, arguments: [cutoff.storageValue, max(1, limit)])
            for id in Set(runIDs) {
                try db.execute(sql: "UPDATE runs SET payloads_expired = 1 WHERE id = ?", arguments: [id])
            }
            return runIDs.count
        }
    }
}
