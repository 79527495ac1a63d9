public import Foundation
public import SkeinCore

/// Named caches for the `cache` shape: payloads a flow keeps to load again later in the same
/// run, in a later run of the flow, or in any flow of the installation.
///
/// A cache is addressed by its scope (`run:42`, `flow:orders-to-erp`, `installation`) and name.
/// Entries have keys (one entry per key, a later add replaces it) and an expiry. Each method
/// is one transaction. Expired entries are pruned by `RetentionStore.pruneExpiredCacheEntries`.
public protocol CacheStore: Sendable {
    /// Adds entries (replacing entries with the same key), then evicts the oldest entries beyond
    /// `maxEntries` or `maxBytes`. Returns how many entries were evicted.
    func cacheAdd(_ address: CacheAddress, entries: [CacheEntry], maxEntries: Int, maxBytes: Int, now: Date) async throws -> Int
    /// The unexpired entries, oldest first; only those with the given keys when `keys` is not nil.
    func cacheLoad(_ address: CacheAddress, keys: [String]?, now: Date) async throws -> [CacheEntry]
    /// Deletes every entry of the cache; returns how many went.
    func cacheClear(_ address: CacheAddress) async throws -> Int
}
