import Foundation
import GRDB
import SkeinCore
import SkeinJSON
import SkeinStorage

/// Changes to the sync report: inserts (with the step, or alone), due-retry claims, attempts and
/// confirmations. Each is one write transaction; a transition is added with every status change.
extension SQLiteStore: SyncReportWriter {
    /// Inserts entries with their payloads and first transition; shared by `finishStep` (inside
    /// the step's transaction) and `insertSyncEntries`. The payloads come already encoded by
    /// `encodeSyncPayloads` (outside the write, so compressing them never holds the single writer).
    static func insertSyncEntries(
        _ db: Database, _ entries: [NewSyncEntry], payloads: [PayloadCodec.Encoded], origin: SyncOrigin,
        now: Date
    ) throws -> [SyncEntryID] {
        let entry = try db.cachedStatement(
            sql: """
                INSERT INTO sync_entries (flow_id, flow_version, run_id, shape_id, system, reference, source_id, endpoint_id, status,
                    attempts, automatic_retries, first_attempt_at, latest_attempt_at, next_retry_at, latest_response, content_type,
                    payload_size, payload_encoding, payload_data)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let transition = try db.cachedStatement(
            sql: """
                INSERT INTO sync_transitions (entry_id, seq, at, from_status, to_status, reason) VALUES (?, 1, ?, NULL, ?, ?)
                """)
        let attempt = try db.cachedStatement(
            sql: """
                INSERT INTO sync_attempts (entry_id, seq, at, status, reason, response, endpoint_id, manual) VALUES (?, 1, ?, ?, ?, ?, ?, 0)
                """)
        var ids: [SyncEntryID] = []
        ids.reserveCapacity(entries.count)
        for (new, encoded) in zip(entries, payloads) {
            let time = (new.attemptedAt ?? now).storageValue
            let item = new.item
            try entry.execute(arguments: [
                origin.flowID, origin.flowVersion, origin.runID, origin.shapeID, item.system, item.reference, item.sourceID,
                item.endpointID, new.status.rawValue, time, time, new.nextRetryAt?.storageValue, item.response ?? new.reason,
                item.payload.contentType, encoded.size, encoded.encoding, Data(encoded.data),
            ])
            let id = SyncEntryID(db.lastInsertedRowID)
            try transition.execute(arguments: [id, time, new.status.rawValue, new.reason])
            try attempt.execute(arguments: [
                id, time, new.status.rawValue, new.reason, SyncAttemptRecord.excerpt(item.response ?? new.reason),
                item.endpointID,
            ])
            if new.status == .ok, let key = item.delivery {
                try linkDelivery(db, key, claimant: DeliveryClaimant(runID: origin.runID, shapeID: origin.shapeID), entryID: id)
            }
            ids.append(id)
        }
        // The trigram index, in one statement for the whole batch (see SyncSchema.referenceOnlySearch).
        if let first = ids.first, let last = ids.last {
            try db.execute(
                sql: "INSERT INTO sync_search(rowid, reference) SELECT id, reference FROM sync_entries WHERE id BETWEEN ? AND ?",
                arguments: [first, last])
        }
        return ids
    }

    public func insertSyncEntries(_ entries: [NewSyncEntry], origin: SyncOrigin, now: Date) async throws -> [SyncEntryID] {
        let payloads = SQLiteStore.encodeSyncPayloads(entries)
        return try await write { db in try SQLiteStore.insertSyncEntries(db, entries, payloads: payloads, origin: origin, now: now) }
    }

    static func encodeSyncPayloads(_ entries: [NewSyncEntry]) -> [PayloadCodec.Encoded] {
        entries.map { PayloadCodec.encode($0.item.payload) }
    }

    public func claimDueSyncRetries(now: Date, limit: Int, leaseUntil: Date) async throws -> [SyncEntry] {
        try await write { db in
            try Row.fetchAll(
                db,
                sql: """
                    UPDATE sync_entries SET next_retry_at = ?
                    WHERE id IN (SELECT id FROM sync_entries WHERE status = 'pending' AND next_retry_at <= ? ORDER BY next_retry_at LIMIT ?)
                    RETURNING \(SQLiteStore.syncColumns)
                    """, arguments: [leaseUntil.storageValue, now.storageValue, limit]
            ).map(SQLiteStore.syncEntry)
        }
    }

    public func recordSyncAttempt(entryID: SyncEntryID, _ attempt: SyncAttempt, now: Date) async throws {
        try await write { db in
            guard let previous = try String.fetchOne(db, sql: "SELECT status FROM sync_entries WHERE id = ?", arguments: [entryID]) else {
                throw StorageError(.notFound, "no sync entry \(entryID)")
            }
            try db.execute(
                sql: """
                    UPDATE sync_entries SET status = ?, attempts = attempts + 1,
                        automatic_retries = CASE WHEN ? THEN 0 ELSE automatic_retries + 1 END,
                        latest_attempt_at = ?, next_retry_at = ?, latest_response = ?,
                        endpoint_id = CASE WHEN ? IS NULL OR ? = '' THEN endpoint_id ELSE ? END
                    WHERE id = ?
                    """,
                arguments: [
                    attempt.status.rawValue, attempt.manual, now.storageValue, attempt.nextRetryAt?.storageValue,
                    attempt.response, attempt.endpointID, attempt.endpointID, attempt.endpointID, entryID,
                ])
            try db.execute(
                sql: SyncAttemptSchema.insert,
                arguments: [
                    entryID, entryID, now.storageValue, attempt.status.rawValue, (attempt.manual ? "resync: " : "") + attempt.reason,
                    SyncAttemptRecord.excerpt(attempt.response), attempt.endpointID ?? "", attempt.manual,
                ])
            if previous != attempt.status.rawValue || attempt.manual {
                try SQLiteStore.addTransition(
                    db, entryID: entryID, at: now, from: previous, to: attempt.status,
                    reason: (attempt.manual ? "resync: " : "") + attempt.reason)
            }
            if attempt.status == .ok, let key = attempt.delivery,
                let origin = try Row.fetchOne(db, sql: "SELECT run_id, shape_id FROM sync_entries WHERE id = ?", arguments: [entryID])
            {
                try SQLiteStore.linkDelivery(db, key, claimant: DeliveryClaimant(runID: origin["run_id"], shapeID: origin["shape_id"]), entryID: entryID)
            }
        }
    }

    public func confirmSync(ids: [SyncEntryID], reason: String, now: Date) async throws -> [SyncEntryID] {
        try await write { db in
            var confirmed: [SyncEntryID] = []
            for id in ids {
                try db.execute(
                    sql: "UPDATE sync_entries SET status = 'ok', latest_response = ? WHERE id = ? AND status = 'sent'",
                    arguments: [reason, id])
                guard db.changesCount == 1 else { continue }
                try SQLiteStore.addTransition(db, entryID: id, at: now, from: SyncStatus.sent.rawValue, to: .ok, reason: reason)
                confirmed.append(id)
            }
            return confirmed
        }
    }

    static func addTransition(_ db: Database, entryID: SyncEntryID, at: Date, from: String?, to: SyncStatus, reason: String) throws {
        try db.execute(
            sql: """
                INSERT INTO sync_transitions (entry_id, seq, at, from_status, to_status, reason)
                VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM sync_transitions WHERE entry_id = ?), ?, ?, ?, ?)
                """, arguments: [entryID, entryID, at.storageValue, from, to.rawValue, reason])
    }
}
