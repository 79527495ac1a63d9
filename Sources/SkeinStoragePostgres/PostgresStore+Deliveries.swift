import Foundation
import PostgresNIO
import SkeinCore
import SkeinStorage

/// The delivery ledger on PostgreSQL: each claim or record inserts the key's row if it is
/// missing (`ON CONFLICT DO NOTHING`, so two first claims cannot both insert), locks it
/// (`FOR UPDATE`), applies `DeliveryLedgerRule` and writes it back in one transaction — a
/// second process claiming the same key waits for the lock and then sees the first's claim.
extension PostgresStore: DeliveryLedgerStore {
    public func claimDelivery(_ claim: DeliveryClaim, now: Date) async throws -> DeliveryDecision {
        let logger = logger
        return try await transaction { connection in
            let current = try await PostgresStore.lockLedgerRow(connection, claim.key, now: now, logger: logger)
            let (decision, row) = DeliveryLedgerRule.decide(claim, row: current, now: now)
            if let row { try await PostgresStore.saveLedgerRow(connection, claim.key, row, now: now, logger: logger) }
            return decision
        }
    }

    public func recordDelivery(_ claim: DeliveryClaim, accepted: Bool, endpointID: String, response: String, now: Date) async throws {
        let logger = logger
        try await transaction { connection in
            let current = try await PostgresStore.lockLedgerRow(connection, claim.key, now: now, logger: logger)
            let row = DeliveryLedgerRule.record(claim, accepted: accepted, endpointID: endpointID, response: response, row: current, now: now)
            try await PostgresStore.saveLedgerRow(connection, claim.key, row, now: now, logger: logger)
        }
    }

    public func delivery(_ key: DeliveryKey) async throws -> DeliveryLedgerRule.Row? {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                SELECT * FROM delivery_ledger WHERE system = \(key.system) AND instance = \(key.instance) AND reference = \(key.reference)
                """, logger: logger
            ).first.map(PostgresStore.ledgerRow)
        }
    }

    public func pruneDeliveries(olderThan cutoff: Date, limit: Int) async throws -> Int {
        let logger = logger
        return try await connection { connection in
            let rows = try await connection.rows(
                """
                WITH gone AS (DELETE FROM delivery_ledger WHERE ctid IN (
                    SELECT ctid FROM delivery_ledger WHERE updated_at < \(cutoff.pgValue) LIMIT \(limit)) RETURNING 1)
                SELECT count(*) AS n FROM gone
                """, logger: logger)
            return Int(try rows[0]["n", as: Int64.self])
        }
    }

    /// Links an accepted delivery to the entry that records it (inside the entry's transaction).
    static func linkDelivery(
        _ connection: PostgresConnection, _ key: DeliveryKey, claimant: DeliveryClaimant, entryID: SyncEntryID,
        logger: Logger
    ) async throws {
        try await connection.run(
            """
            UPDATE delivery_ledger SET delivered_entry = \(entryID)
            WHERE system = \(key.system) AND instance = \(key.instance) AND reference = \(key.reference)
              AND delivered_run = \(claimant.runID) AND delivered_shape = \(claimant.shapeID)
            """, logger: logger)
    }

    /// The key's row, created empty when missing, locked until the transaction ends (nil: it was just created).
    static func lockLedgerRow(_ connection: PostgresConnection, _ key: DeliveryKey, now: Date, logger: Logger) async throws -> DeliveryLedgerRule.Row? {
        try await connection.run(
            """
            INSERT INTO delivery_ledger (system, instance, reference, updated_at)
            VALUES (\(key.system), \(key.instance), \(key.reference), \(now.pgValue)) ON CONFLICT DO NOTHING
            """, logger: logger)
        let row = try await connection.rows(
            """
            SELECT * FROM delivery_ledger WHERE system = \(key.system) AND instance = \(key.instance) AND reference = \(key.reference) FOR UPDATE
            """, logger: logger)
        return try row.first.map(ledgerRow)
    }

    static func ledgerRow(_ row: PGRow) throws -> DeliveryLedgerRule.Row {
        var result = DeliveryLedgerRule.Row()
        if let hash = try row.optional("delivered_hash", as: String.self), let run = try row.optional("delivered_run", as: Int64.self),
            let shape = try row.optional("delivered_shape", as: String.self), let at = try row.optionalDate("delivered_at")
        {
            result.delivered = DeliveryRecord(
                contentHash: hash, claimant: DeliveryClaimant(runID: RunID(rawValue: run), shapeID: shape), at: at,
                entryID: try row.optional("delivered_entry", as: Int64.self).map(SyncEntryID.init(rawValue:)),
                endpointID: try row.optional("endpoint_id", as: String.self) ?? "", response: try row.optional("response", as: String.self) ?? "")
        }
        if let hash = try row.optional("claim_hash", as: String.self), let run = try row.optional("claim_run", as: Int64.self),
            let shape = try row.optional("claim_shape", as: String.self), let at = try row.optionalDate("claimed_at")
        {
            result.claimHash = hash
            result.claimant = DeliveryClaimant(runID: RunID(rawValue: run), shapeID: shape)
            result.claimedAt = at
        }
        return result
    }

    static func saveLedgerRow(
        _ connection: PostgresConnection, _ key: DeliveryKey, _ row: DeliveryLedgerRule.Row, now: Date,
        logger: Logger
    ) async throws {
        let delivered = row.delivered
        try await connection.run(
            """
            UPDATE delivery_ledger SET delivered_hash = \(delivered?.contentHash), delivered_run = \(delivered?.claimant.runID),
                delivered_shape = \(delivered?.claimant.shapeID), delivered_at = \(delivered?.at.pgValue),
                delivered_entry = \(delivered?.entryID), endpoint_id = \(delivered?.endpointID), response = \(delivered?.response),
                claim_hash = \(row.claimHash), claim_run = \(row.claimant?.runID), claim_shape = \(row.claimant?.shapeID),
                claimed_at = \(row.claimedAt?.pgValue), updated_at = \(now.pgValue)
            WHERE system = \(key.system) AND instance = \(key.instance) AND reference = \(key.reference)
            """, logger: logger)
    }
}
