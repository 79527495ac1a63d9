public import Foundation
public import SkeinCore

/// The delivery ledger as storage: what `DeliveryLedger` (SkeinCore, used by send steps) does,
/// plus reading a key's row and pruning.
///
/// One row per destination (system and instance) and reference: the latest delivery the
/// destination accepted and the claim in flight, if any. `DeliveryLedgerRule` (pure code) decides
/// claims; a backend reads the row, applies the rule and writes it back in one transaction that
/// other writers of the same key wait for (SQLite's single writer; PostgreSQL's row lock), so
/// the ledger is atomic across runs and processes.
///
/// Entries link to it: `insertSyncEntries`/`finishStep` and `recordSyncAttempt` set the
/// delivering entry of an accepted item whose `delivery` key they carry.
public protocol DeliveryLedgerStore: DeliveryLedger {
    /// The key's row, if any.
    func delivery(_ key: DeliveryKey) async throws -> DeliveryLedgerRule.Row?
    /// Deletes up to `limit` rows untouched since `cutoff` (retention); returns how many went.
    func pruneDeliveries(olderThan cutoff: Date, limit: Int) async throws -> Int
}
