import Foundation
import SkeinCore
import SkeinStorage

/// Data pools (`dedupe`): insert-if-absent under the store's lock, so every key is new to exactly one claimant.
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
