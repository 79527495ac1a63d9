public import Foundation
public import SkeinCore

/// What the `dedupe` shape asks of its data pool: sets of keys (an order number, a SKU + date)
/// that flows have already seen, so the same item is passed on only once.
///
/// Each method is one transaction. `claimKeys` is the one that must be atomic across processes:
/// when several runs use one pool at once, every key is new to exactly one of them.
public protocol DataPoolKeys: Sendable {
    /// Inserts the keys that are not yet in `pool` and returns the ones that are new to this
    /// claimant: inserted now, or inserted earlier by the same run and step (so a step re-run
    /// after a crash, or retried, still passes the payloads it had claimed). One transaction.
    /// New keys expire at `expiresAt` (nil: never). An expired key counts as absent.
    func claimKeys(pool: String, keys: [String], claimant: PoolClaimant, expiresAt: Date?, now: Date) async throws -> Set<String>
    /// Records keys without asking which were new (track mode); a key already present keeps its
    /// first-seen time and gets the later expiry.
    func recordKeys(pool: String, keys: [String], claimant: PoolClaimant, expiresAt: Date?, now: Date) async throws
    /// Which of `keys` are in `pool` and not expired (filter mode, read only).
    func existingKeys(pool: String, keys: [String], now: Date) async throws -> Set<String>
}

/// Looking after data pools as a whole (`skein pool`): list, import, export, delete.
public protocol DataPoolAdmin: Sendable {
    /// Every pool with its key count.
    func dataPools() async throws -> [DataPoolSummary]
    /// Adds keys from an import (CSV), in one transaction; returns how many were new.
    func importPoolKeys(pool: String, keys: [PoolKey], now: Date) async throws -> Int
    /// The keys of `pool`, oldest first, `batchSize` at a time (exports).
    func streamPoolKeys(pool: String, batchSize: Int, _ body: @escaping @Sendable ([PoolKey]) throws -> Void) async throws
    /// Deletes a whole pool; returns how many keys went.
    func deletePool(_ pool: String) async throws -> Int
}

/// Named data pools: the shape's keys and their administration. Expired keys are pruned by
/// `RetentionStore.pruneExpiredPoolKeys`.
public protocol DataPoolStore: DataPoolKeys, DataPoolAdmin {}
