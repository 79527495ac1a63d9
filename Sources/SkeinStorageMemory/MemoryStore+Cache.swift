import Foundation
import SkeinCore
import SkeinStorage

/// Caches (`cache`): entries replaced by key, the oldest evicted beyond the limits, in the add's transaction.
extension MemoryStore: CacheStore {
    public func cacheAdd(_ address: CacheAddress, entries: [CacheEntry], maxEntries: Int, maxBytes: Int, now: Date) async throws -> Int {
        let stored = entries.map { ($0, StoredPayload($0.payload)) }
        return try transaction { state in
            var rows = state.shapeData.caches[address] ?? []
            for (entry, payload) in stored {
                // Removed then added, so a replaced entry counts as the newest for eviction.
                rows.removeAll { $0.key == entry.key }
                rows.append(
                    ShapeDataTables.CacheRow(
                        id: state.shapeData.nextCacheID, key: entry.key, expiresAt: entry.expiresAt.map(storedTime),
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
