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

extension MemoryStore: DataPoolStore {
    public func claimKeys(pool: String, keys: [String], claimant: PoolClaimant, expiresAt: Date?, now: Date) async throws -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return try transaction { state in
            state.shapeData.upsert(pool: pool, keys: keys, claimant: claimant, expiresAt: expiresAt, now: now)
            // New to this claimant: inserted now, or earlier by the same run and step.
            return Set(keys.filter { state.shapeData.pools[pool]?[$0]?.claimant == claimant })
        }
    }

    public func recordKeys(pool: String, keys: [String], claimant: PoolClaimant, expiresAt: Date?, now: Date) async throws {
        guard !keys.isEmpty else { return }
        try transaction { state in
            state.shapeData.upsert(pool: pool, keys: keys, claimant: claimant, expiresAt: expiresAt, now: now)
            // Seen again: kept as long as the latest sighting asks (nil: for ever).
            for key in keys {
                guard let current = state.shapeData.pools[pool]?[key]?.expiresAt else { continue }
                if let expiresAt {
                    if current.timeIntervalSince1970 < expiresAt.timeIntervalSince1970 { state.shapeData.pools[pool]![key]!.expiresAt = storedTime(expiresAt) }
                } else {
                    state.shapeData.pools[pool]![key]!.expiresAt = nil
                }
            }
        }
    }

    public func existingKeys(pool: String, keys: [String], now: Date) async throws -> Set<String> {
        try transaction { state in Set(keys.filter { key in state.shapeData.pools[pool]?[key].map { !$0.isExpired(at: now) } ?? false }) }
    }

    public func dataPools() async throws -> [DataPoolSummary] {
        try transaction { state in
            state.shapeData.pools.keys.sorted(by: byteOrder).map { name in
                let seen = state.shapeData.pools[name]!.values.map(\.firstSeenAt)
                return DataPoolSummary(name: name, keys: seen.count, oldest: seen.min(), newest: seen.max())
            }
        }
    }

    public func importPoolKeys(pool: String, keys: [PoolKey], now: Date) async throws -> Int {
        try transaction { state in
            var added = 0
            for key in keys where state.shapeData.pools[pool]?[key.key] == nil {
                state.shapeData.pools[pool, default: [:]][key.key] = ShapeDataTables.PoolEntry(
                    firstSeenAt: storedTime(key.firstSeenAt), expiresAt: key.expiresAt.map(storedTime), claimant: PoolClaimant(runID: key.runID, shapeID: nil))
                added += 1
            }
            return added
        }
    }

    /// One snapshot taken under the lock, handed to `body` outside it.
    public func streamPoolKeys(pool: String, batchSize: Int, _ body: @escaping @Sendable ([PoolKey]) throws -> Void) async throws {
        let keys = try transaction { state in
            (state.shapeData.pools[pool] ?? [:]).map { key, entry in
                PoolKey(key: key, firstSeenAt: entry.firstSeenAt, expiresAt: entry.expiresAt, runID: entry.claimant.runID)
            }.sorted { a, b in
                let (seenA, seenB) = (a.firstSeenAt.timeIntervalSince1970, b.firstSeenAt.timeIntervalSince1970)
                return seenA != seenB ? seenA < seenB : byteOrder(a.key, b.key)
            }
        }
        let size = max(1, batchSize)
        for start in stride(from: 0, to: keys.count, by: size) { try body(Array(keys[start..<min(start + size, keys.count)])) }
    }

    public func deletePool(_ pool: String) async throws -> Int {
        try transaction { state in state.shapeData.pools.removeValue(forKey: pool)?.count ?? 0 }
    }
}

extension MemoryStore: CacheStore {
    public func cacheAdd(_ address: CacheAddress, entries: [CacheEntry], maxEntries: Int, maxBytes: Int, now: Date) async throws -> Int {
        let stored = entries.map { ($0, StoredPayload($0.payload)) }
        return try transaction { state in
            var rows = state.shapeData.caches[address] ?? []
            for (entry, payload) in stored {
                // Removed then added, so a replaced entry counts as the newest for eviction.
                rows.removeAll { $0.key == entry.key }
                rows.append(ShapeDataTables.CacheRow(id: state.shapeData.nextCacheID, key: entry.key, expiresAt: entry.expiresAt.map(storedTime),
                                                     payload: payload))
                state.shapeData.nextCacheID += 1
            }
            // Newest first: keep while within both limits; the rest are evicted.
            var kept = 0
            var bytes = 0
            var keep: Set<Int64> = []
            for row in rows.reversed() {
                kept += 1
                bytes += row.payload.encoded.size
                if kept <= max(0, maxEntries) && bytes <= max(0, maxBytes) { keep.insert(row.id) }
            }
            let evicted = rows.count - keep.count
            rows.removeAll { !keep.contains($0.id) }
            state.shapeData.caches[address] = rows.isEmpty ? nil : rows
            return evicted
        }
    }

    public func cacheLoad(_ address: CacheAddress, keys: [String]?, now: Date) async throws -> [CacheEntry] {
        if let keys, keys.isEmpty { return [] }
        let wanted = keys.map(Set.init)
        let rows = try transaction { state in
            (state.shapeData.caches[address] ?? []).filter { row in
                (row.expiresAt.map { $0.timeIntervalSince1970 > now.timeIntervalSince1970 } ?? true) && (wanted?.contains(row.key) ?? true)
            }
        }
        return try rows.map { CacheEntry(key: $0.key, payload: try $0.payload.payload(), expiresAt: $0.expiresAt) }
    }

    public func cacheClear(_ address: CacheAddress) async throws -> Int {
        try transaction { state in state.shapeData.caches.removeValue(forKey: address)?.count ?? 0 }
    }
}

extension MemoryStore: TrackedDataStore {
    public func recordTrackedValues(_ values: [TrackedValue], now: Date) async throws {
        guard !values.isEmpty else { return }
        try transaction { state in
            for run in Set(values.map(\.runID)) where state.runs.runs[run] == nil { throw StorageError(.notFound, "run \(run) is not stored") }
            // A step that runs again (retry, resume) replaces what it tracked before.
            let steps = Set(values.map { ShapeDataTables.TrackedStep(run: $0.runID, shapeID: $0.shapeID) })
            for run in Set(values.map(\.runID)) {
                state.shapeData.tracked[run]?.removeAll { steps.contains(ShapeDataTables.TrackedStep(run: $0.value.runID, shapeID: $0.value.shapeID)) }
            }
            // One row per run, step, payload, field and value (a repeat is ignored).
            for value in values where !(state.shapeData.tracked[value.runID] ?? []).contains(where: { $0.value.sameRow(as: value) }) {
                state.shapeData.tracked[value.runID, default: []].append(ShapeDataTables.TrackedRow(value: value, trackedAt: storedTime(now)))
            }
        }
    }

    public func searchTrackedValues(_ value: String, field: String?, limit: Int) async throws -> [TrackedHit] {
        try transaction { state in
            let hits = state.shapeData.tracked.values.joined().filter { row in
                row.value.value == value && (field.map { row.value.field == $0 } ?? true)
            }.sorted { a, b in
                let (ta, tb) = (a.trackedAt.timeIntervalSince1970, b.trackedAt.timeIntervalSince1970)
                if ta != tb { return ta > tb }
                if a.value.runID != b.value.runID { return a.value.runID > b.value.runID }
                return a.value.payloadIndex < b.value.payloadIndex
            }.prefix(max(1, limit))
            return hits.map { TrackedHit(value: $0.value, trackedAt: $0.trackedAt, runStatus: state.runs.runs[$0.value.runID]?.status.rawValue) }
        }
    }
}

extension TrackedValue {
    /// Whether both are the same stored row: run, step, payload, field and value (the flow is not part of it).
    func sameRow(as other: TrackedValue) -> Bool {
        runID == other.runID && shapeID == other.shapeID && payloadIndex == other.payloadIndex && field == other.field && value == other.value
    }
}
