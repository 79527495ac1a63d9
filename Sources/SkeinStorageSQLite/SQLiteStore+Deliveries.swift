import Foundation
import GRDB
import SkeinCore
import SkeinStorage

/// The delivery ledger on SQLite: each claim or record reads the key's row, applies
/// `DeliveryLedgerRule` and writes it back inside a write transaction — SQLite's single
/// writer (across processes too) makes that atomic. Concurrent claims and answers share one
/// transaction (`GroupCommit`), applied in arrival order.
extension SQLiteStore: DeliveryLedgerStore {
    public func claimDelivery(_ claim: DeliveryClaim, now: Date) async throws -> DeliveryDecision {
        guard let decision = try await ledger.submit(.claim(claim, now: now)) else {
            throw StorageError(.corrupt, "the delivery ledger answered a claim of \(claim.key.reference) with nothing")
        }
        return decision
    }

    public func recordDelivery(_ claim: DeliveryClaim, accepted: Bool, endpointID: String, response: String, now: Date) async throws {
        _ = try await ledger.submit(.record(claim, accepted: accepted, endpointID: endpointID, response: response, now: now))
    }

    /// The ledger's group commit: a batch of claims and answers applied in arrival order in one
    /// write transaction, so concurrent sends share one fsync. It holds the pool, not the store.
    static func ledgerGroupCommit(_ pool: DatabasePool) -> GroupCommit<DeliveryLedgerWrite, DeliveryDecision?> {
        GroupCommit(whenABatchFails: .commitEachAlone) { writes in
            // A claim is durable before anything is sent on it. An answer lost in a power cut
            // leaves its claim in flight, as a crash between the request and the answer does,
            // and the resumed send repeats the request with the same Idempotency-Key; the next
            // claim, or the step's commit that links the answer to its sync entry, syncs it.
            try await write(on: pool, function: "commitDeliveryLedger", syncing: writes.contains(where: \.isClaim)) { db in
                try writes.map { try apply($0, db) }
            }
        }
    }

    /// Applies one ledger write inside the caller's transaction: `DeliveryLedgerRule` decides,
    /// and the key's row is written back.
    private static func apply(_ write: DeliveryLedgerWrite, _ db: Database) throws -> DeliveryDecision? {
        switch write {
        case .claim(let claim, let now):
            let (decision, row) = DeliveryLedgerRule.decide(claim, row: try ledgerRow(db, claim.key), now: now)
            if let row { try saveLedgerRow(db, claim.key, row, now: now) }
            return decision
        case .record(let claim, let accepted, let endpointID, let response, let now):
            let row = DeliveryLedgerRule.record(
                claim, accepted: accepted, endpointID: endpointID, response: response, row: try ledgerRow(db, claim.key), now: now)
            try saveLedgerRow(db, claim.key, row, now: now)
            return nil
        }
    }

    public func delivery(_ key: DeliveryKey) async throws -> DeliveryLedgerRule.Row? {
        try await read { db in try SQLiteStore.ledgerRow(db, key) }
    }

    public func pruneDeliveries(olderThan cutoff: Date, limit: Int) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: """
                    DELETE FROM delivery_ledger WHERE (system, instance, reference) IN
                        (SELECT system, instance, reference FROM delivery_ledger WHERE updated_at < ? LIMIT ?)
                    """, arguments: [cutoff.storageValue, limit])
            return db.changesCount
        }
    }

    /// Links an accepted delivery to the entry that records it (inside the entry's transaction).
    static func linkDelivery(_ db: Database, _ key: DeliveryKey, claimant: DeliveryClaimant, entryID: SyncEntryID) throws {
        try db.cachedStatement(
            sql: """
                UPDATE delivery_ledger SET delivered_entry = ?
                WHERE system = ? AND instance = ? AND reference = ? AND delivered_run = ? AND delivered_shape = ?
                """
        ).execute(arguments: [entryID, key.system, key.instance, key.reference, claimant.runID, claimant.shapeID])
    }

    /// The key's row, read by position. Every claim and answer of a send reads it, so the
    /// statement is prepared once per connection (`cachedStatement`), and no column is looked up
    /// by name (GRDB matches names case-insensitively, lowercasing each).
    static func ledgerRow(_ db: Database, _ key: DeliveryKey) throws -> DeliveryLedgerRule.Row? {
        let statement = try db.cachedStatement(
            sql: """
                SELECT delivered_hash, delivered_run, delivered_shape, delivered_at, delivered_entry, endpoint_id, response,
                    claim_hash, claim_run, claim_shape, claimed_at
                FROM delivery_ledger WHERE system = ? AND instance = ? AND reference = ?
                """)
        guard let row = try Row.fetchOne(statement, arguments: [key.system, key.instance, key.reference]) else { return nil }
        var result = DeliveryLedgerRule.Row()
        if let hash: String = row[0], let run: RunID = row[1], let shape: String = row[2], let at: Double = row[3] {
            result.delivered = DeliveryRecord(
                contentHash: hash, claimant: DeliveryClaimant(runID: run, shapeID: shape),
                at: Date(storageValue: at), entryID: row[4], endpointID: row[5] ?? "", response: row[6] ?? "")
        }
        if let hash: String = row[7], let run: RunID = row[8], let shape: String = row[9], let at: Double = row[10] {
            result.claimHash = hash
            result.claimant = DeliveryClaimant(runID: run, shapeID: shape)
            result.claimedAt = Date(storageValue: at)
        }
        return result
    }

    static func saveLedgerRow(_ db: Database, _ key: DeliveryKey, _ row: DeliveryLedgerRule.Row, now: Date) throws {
        let delivered = row.delivered
        try db.cachedStatement(
            sql: """
                INSERT INTO delivery_ledger (system, instance, reference, delivered_hash, delivered_run, delivered_shape, delivered_at,
                    delivered_entry, endpoint_id, response, claim_hash, claim_run, claim_shape, claimed_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (system, instance, reference) DO UPDATE SET
                    delivered_hash = excluded.delivered_hash, delivered_run = excluded.delivered_run,
                    delivered_shape = excluded.delivered_shape, delivered_at = excluded.delivered_at,
                    delivered_entry = excluded.delivered_entry, endpoint_id = excluded.endpoint_id, response = excluded.response,
                    claim_hash = excluded.claim_hash, claim_run = excluded.claim_run, claim_shape = excluded.claim_shape,
                    claimed_at = excluded.claimed_at, updated_at = excluded.updated_at
                """
        ).execute(
            arguments: [
                key.system, key.instance, key.reference, delivered?.contentHash, delivered?.claimant.runID, delivered?.claimant.shapeID,
                delivered?.at.storageValue, delivered?.entryID, delivered?.endpointID, delivered?.response,
                row.claimHash, row.claimant?.runID, row.claimant?.shapeID, row.claimedAt?.storageValue, now.storageValue,
            ])
    }
}
