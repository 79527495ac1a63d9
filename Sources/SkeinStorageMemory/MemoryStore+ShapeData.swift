import Foundation
import SkeinCore
import SkeinStorage

/// What the de-dupe, cache and track shapes keep: data pool keys, cache entries and tracked values.
struct ShapeDataTables {
    struct PoolEntry {
        var firstSeenAt: Date
        var expiresAt: Date?
        var claimant: PoolClaimant

        func isExpired(at now: Date) -> Bool { expiresAt.map { $0.timeIntervalSince1970 <= now.timeIntervalSince1970 } ?? false }
    }

    struct CacheRow {
        var id: Int64
        var key: String
        var expiresAt: Date?
        var payload: StoredPayload
    }

    struct TrackedRow {
        var value: TrackedValue
        var trackedAt: Date
    }

    struct TrackedStep: Hashable {
        var run: RunID
        var shapeID: String
    }

    /// Pool → key → entry.
    var pools: [String: [String: PoolEntry]] = [:]
    /// Each cache's entries, oldest (lowest id) first.
    var caches: [CacheAddress: [CacheRow]] = [:]
    var nextCacheID: Int64 = 1
    /// Tracked values by run: they go with their run.
    var tracked: [RunID: [TrackedRow]] = [:]

    /// Inserts the absent keys; an expired key counts as absent and is taken over.
    mutating func upsert(pool: String, keys: [String], claimant: PoolClaimant, expiresAt: Date?, now: Date) {
        for key in keys where pools[pool]?[key].map({ $0.isExpired(at: now) }) ?? true {
            pools[pool, default: [:]][key] = PoolEntry(firstSeenAt: storedTime(now), expiresAt: expiresAt.map(storedTime), claimant: claimant)
        }
    }

    mutating func pruneExpiredPoolKeys(now: Date, limit: Int) -> Int {
        var deleted = 0
        for pool in pools.keys.sorted(by: byteOrder) where deleted < limit {
            for key in pools[pool]!.keys.sorted(by: byteOrder) where deleted < limit && pools[pool]![key]!.expiresAt != nil {
                if pools[pool]![key]!.isExpired(at: now) {
                    pools[pool]![key] = nil
                    deleted += 1
                }
            }
            if pools[pool]!.isEmpty { pools[pool] = nil }
        }
        return deleted
    }

    mutating func pruneExpiredCacheEntries(now: Date, limit: Int) -> Int {
        var deleted = 0
        for address in caches.keys.sorted(by: { ($0.scope, $0.name) < ($1.scope, $1.name) }) where deleted < limit {
            caches[address]!.removeAll { row in
                guard deleted < limit, let expiresAt = row.expiresAt, expiresAt.timeIntervalSince1970 <= now.timeIntervalSince1970 else { return false }
                deleted += 1
                return true
            }
            if caches[address]!.isEmpty { caches[address] = nil }
        }
        return deleted
    }
}

extension TrackedValue {
    /// Whether both are the same stored row: run, step, payload, field and value (the flow is not part of it).
    func sameRow(as other: TrackedValue) -> Bool {
        runID == other.runID && shapeID == other.shapeID && payloadIndex == other.payloadIndex && field == other.field && value == other.value
    }
}
