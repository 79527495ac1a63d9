import Foundation
import GRDB
import SkeinCore
import SkeinStorage

/// Webhook de-duplication: the identity is claimed and the run stored in one write transaction.
/// SQLite has one writer at a time (across processes too), so the claim below cannot interleave.
extension SQLiteStore: WebhookIdentityStore {
    public func enqueueOnce(_ run: NewRun, identity: String, expiresAt: Date, now: Date) async throws -> WebhookIntake {
        let encoded = run.input.map { (PayloadCodec.encode($0), $0.contentType) }
        return try await write { db in
            // Claims the identity when it is new or its window ended; no row back means it is held.
            let claimed =
                try Row.fetchOne(
                    db,
                    sql: """
                        INSERT INTO webhook_identities (flow_id, identity, run_id, expires_at) VALUES (?, ?, NULL, ?)
                        ON CONFLICT (flow_id, identity) DO UPDATE SET run_id = NULL, expires_at = excluded.expires_at
                            WHERE webhook_identities.expires_at <= ?
                        RETURNING 1
                        """, arguments: [run.flowID, identity, expiresAt.storageValue, now.storageValue]) != nil
            guard claimed else {
                let held = try Int64.fetchOne(
                    db, sql: "SELECT run_id FROM webhook_identities WHERE flow_id = ? AND identity = ?",
                    arguments: [run.flowID, identity])
                guard let held else { throw StorageError(.corrupt, "a held webhook identity has no run") }
                return .repeated(RunID(held))
            }
            let record = try SQLiteStore.insertRun(db, run, encoded, status: .queued, owner: nil, leaseUntil: nil, now: now)
            try db.execute(
                sql: "UPDATE webhook_identities SET run_id = ? WHERE flow_id = ? AND identity = ?",
                arguments: [record.id, run.flowID, identity])
            return .started(record)
        }
    }

    public func pruneExpiredWebhookIdentities(now: Date, limit: Int) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: """
                    DELETE FROM webhook_identities WHERE rowid IN (SELECT rowid FROM webhook_identities WHERE expires_at <= ? LIMIT ?)
                    """, arguments: [now.storageValue, max(1, limit)])
            return db.changesCount
        }
    }
}
