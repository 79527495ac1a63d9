import Foundation
import PostgresNIO
import SkeinCore
import SkeinStorage

/// Webhook de-duplication across processes: the identity is claimed (a row lock on the unique
/// key flow + identity) and the run stored in one transaction. A concurrent claim of the same
/// identity waits on that lock until the first commits, then finds the row unexpired and reads
/// its run id (READ COMMITTED: each statement sees what committed before it began).
extension PostgresStore: WebhookIdentityStore {
    public func enqueueOnce(_ run: NewRun, identity: String, expiresAt: Date, now: Date) async throws -> WebhookIntake {
        let encoded = run.input.map { (PayloadCodec.encode($0), $0.contentType) }
        let logger = logger
        return try await transaction { connection in
            let claimed = try await connection.rows(
                """
                INSERT INTO webhook_identities (flow_id, identity, run_id, expires_at) VALUES (\(run.flowID), \(identity), NULL, \(expiresAt.pgValue))
                ON CONFLICT (flow_id, identity) DO UPDATE SET run_id = NULL, expires_at = excluded.expires_at
                    WHERE webhook_identities.expires_at <= \(now.pgValue)
                RETURNING 1 AS claimed
                """, logger: logger)
            guard !claimed.isEmpty else {
                let held = try await connection.rows(
                    """
                    SELECT run_id FROM webhook_identities WHERE flow_id = \(run.flowID) AND identity = \(identity)
                    """, logger: logger)
                guard let first = held.first, let runID = try first["run_id", as: Int64?.self] else {
                    throw StorageError(.corrupt, "a held webhook identity has no run")
                }
                return .repeated(RunID(runID))
            }
            let row = try await connection.rows(
                """
                INSERT INTO runs (flow_id, flow_version, status, trigger, priority, entry_shape_id, origin_run_id, queued_at, claims, input_count)
                VALUES (\(run.flowID), \(run.flowVersion), \(RunStatus.queued.rawValue), \(run.trigger.rawValue), \(run.priority), \(run.entryShapeID),
                        \(run.originRunID), \(now.pgValue), 0, \(run.input.count))
                RETURNING \(unescaped: PostgresStore.runColumns)
                """, logger: logger)[0]
            let record = try PostgresStore.runRecord(row)
            try await PostgresStore.insertPayloads(connection, runID: record.id, sequence: 0, encoded, logger: logger)
            try await connection.run(
                """
                UPDATE webhook_identities SET run_id = \(record.id) WHERE flow_id = \(run.flowID) AND identity = \(identity)
                """, logger: logger)
            return .started(record)
        }
    }

    public func pruneExpiredWebhookIdentities(now: Date, limit: Int) async throws -> Int {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                WITH gone AS (
                    DELETE FROM webhook_identities WHERE (flow_id, identity) IN (
                        SELECT flow_id, identity FROM webhook_identities WHERE expires_at <= \(now.pgValue) LIMIT \(max(1, limit)))
                    RETURNING 1)
                SELECT count(*) AS n FROM gone
                """, logger: logger)[0]["n", as: Int.self]
        }
    }
}
