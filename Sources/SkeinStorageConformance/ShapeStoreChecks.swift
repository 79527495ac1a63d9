import Foundation
import SkeinCore
import SkeinJSON
import SkeinStorage

/// The stores behind the de-dupe, cache, track and set-variables shapes: data pools (claims
/// atomic across processes), caches, tracked values and a run's variables.
enum ShapeStoreChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("claimKeys returns the keys new to the claimant, and again to the same run and step") { open in
            let store = try await open()
            let claimant = PoolClaimant(runID: 5, shapeID: "once")
            try expectEqual(try await store.claimKeys(pool: "p", keys: ["a", "b", "a"], claimant: claimant, expiresAt: nil, now: t0), ["a", "b"])
            // The process died before the step was recorded; the resumed step claims again.
            try expectEqual(try await store.claimKeys(pool: "p", keys: ["a", "b", "c"], claimant: claimant, expiresAt: nil, now: t0), ["a", "b", "c"])
            try expectEqual(
                try await store.claimKeys(
                    pool: "p", keys: ["a", "c", "d"], claimant: PoolClaimant(runID: 6, shapeID: "once"),
                    expiresAt: nil, now: t0), ["d"])
            try expectEqual(
                try await store.claimKeys(
                    pool: "other", keys: ["a"], claimant: PoolClaimant(runID: 6, shapeID: "once"),
                    expiresAt: nil, now: t0), ["a"], "pools are separate")
            try expect(try await store.claimKeys(pool: "p", keys: [], claimant: claimant, expiresAt: nil, now: t0).isEmpty)
            try expectEqual(try await store.existingKeys(pool: "p", keys: ["a", "d", "z"], now: t0), ["a", "d"])
        },
        ConformanceCheck("concurrent claims from many tasks on two handles give every key to exactly one claimant") { open in
            let stores = [try await open(), try await open()]
            func offered(_ task: Int) -> [String] { (0..<100).map { "SKU-\((task * 37 + $0 * 7) % 300)" } }
            let claims = try await withThrowingTaskGroup(of: Set<String>.self) { group in
                for task in 0..<16 {
                    let store = stores[task % 2]
                    group.addTask {
                        try await store.claimKeys(
                            pool: "skus", keys: offered(task).reversed().shuffled(),
                            claimant: PoolClaimant(runID: RunID(Int64(task)), shapeID: "once"), expiresAt: nil, now: t0)
                    }
                }
                return try await group.reduce(into: [Set<String>]()) { $0.append($1) }
            }
            let all = claims.flatMap { $0 }
            try expect(all.count == Set(all).count, "a key was new to more than one claimant")
            try expectEqual(Set(all), Set((0..<16).flatMap(offered)))
        },
        ConformanceCheck("pool keys expire, are taken over when expired, pruned, extended by recordKeys, imported, streamed and deleted") { open in
            let store = try await open()
            let first = PoolClaimant(runID: 1, shapeID: "once")
            let second = PoolClaimant(runID: 2, shapeID: "once")
            _ = try await store.claimKeys(pool: "p", keys: ["old", "kept"], claimant: first, expiresAt: t0 + 10, now: t0)
            try expectEqual(try await store.existingKeys(pool: "p", keys: ["old", "kept"], now: t0 + 5), ["old", "kept"])
            try expect(try await store.existingKeys(pool: "p", keys: ["old"], now: t0 + 20).isEmpty, "expired")
            try expectEqual(
                try await store.claimKeys(pool: "p", keys: ["old"], claimant: second, expiresAt: t0 + 100, now: t0 + 20), ["old"],
                "an expired key is new again")
            // Track mode: seen again extends the expiry; nil keeps it for ever.
            try await store.recordKeys(pool: "p", keys: ["kept", "fresh"], claimant: second, expiresAt: t0 + 1000, now: t0 + 5)
            try expectEqual(try await store.existingKeys(pool: "p", keys: ["kept", "fresh"], now: t0 + 500), ["kept", "fresh"])
            try await store.recordKeys(pool: "p", keys: ["fresh"], claimant: second, expiresAt: nil, now: t0 + 6)
            try expectEqual(try await store.existingKeys(pool: "p", keys: ["fresh"], now: t0 + 1_000_000), ["fresh"])
            try expectEqual(try await store.pruneExpiredPoolKeys(now: t0 + 2000, limit: 10), 2, "old and kept")
            try expectEqual(try await store.pruneExpiredPoolKeys(now: t0 + 2000, limit: 10), 0)

            let imported = [
                PoolKey(key: "i1", firstSeenAt: t0 - 100, expiresAt: nil, runID: 9),
                PoolKey(key: "i2", firstSeenAt: t0 - 50, expiresAt: t0 + 9999),
                PoolKey(key: "fresh", firstSeenAt: t0 - 10, expiresAt: nil),
            ]
            try expectEqual(try await store.importPoolKeys(pool: "p", keys: imported, now: t0), 2, "fresh was there already")
            let summary = try await store.dataPools()
            try expectEqual(summary, [DataPoolSummary(name: "p", keys: 3, oldest: t0 - 100, newest: t0 + 5)])
            let streamed = LockedKeys()
            try await store.streamPoolKeys(pool: "p", batchSize: 2) { batch in
                try expect(batch.count <= 2)
                streamed.append(batch)
            }
            try expectEqual(streamed.keys, [imported[0], imported[1], PoolKey(key: "fresh", firstSeenAt: t0 + 5, expiresAt: nil, runID: 2)])
            try expectEqual(try await store.deletePool("p"), 3)
            try expect(try await store.dataPools().isEmpty)
        },
        ConformanceCheck("caches replace by key, load oldest first, expire, evict the oldest beyond the limits and clear") { open in
            let store = try await open()
            let stock = CacheAddress(scope: "installation", name: "stock")
            func entry(_ key: String, _ text: String, expires: Date? = nil) -> CacheEntry {
                CacheEntry(key: key, payload: Payload(bytes: Array(text.utf8), contentType: "text/plain"), expiresAt: expires)
            }
            func keys(_ entries: [CacheEntry]) -> [String] { entries.map(\.key) }
            try expectEqual(
                try await store.cacheAdd(
                    stock, entries: [entry("a", "1"), entry("b", "2"), entry("c", "3", expires: t0 + 10)],
                    maxEntries: 10, maxBytes: 1000, now: t0), 0)
            let big = String(repeating: "stock level ", count: 200)  // large enough to be stored compressed
            _ = try await store.cacheAdd(stock, entries: [entry("a", big)], maxEntries: 10, maxBytes: 10_000, now: t0 + 1)
            let loaded = try await store.cacheLoad(stock, keys: nil, now: t0 + 2)
            try expectEqual(keys(loaded), ["b", "c", "a"], "a replaced entry is the newest")
            try expectEqual(loaded[2].payload, Payload(bytes: Array(big.utf8), contentType: "text/plain"))
            try expectEqual(loaded[1].expiresAt, t0 + 10)
            try expectEqual(keys(try await store.cacheLoad(stock, keys: nil, now: t0 + 20)), ["b", "a"], "c expired")
            try expectEqual(keys(try await store.cacheLoad(stock, keys: ["a", "zz"], now: t0 + 2)), ["a"])
            try expect(try await store.cacheLoad(stock, keys: [], now: t0 + 2).isEmpty)
            try expect(try await store.cacheLoad(CacheAddress(scope: "flow:orders", name: "stock"), keys: nil, now: t0).isEmpty, "scopes are separate")

            // Limits: at most 3 entries, then at most 6 bytes; the oldest go first.
            try expectEqual(
                try await store.cacheAdd(
                    stock, entries: [entry("d", "4"), entry("e", "5")], maxEntries: 3, maxBytes: 100_000,
                    now: t0 + 3), 2)
            try expectEqual(keys(try await store.cacheLoad(stock, keys: nil, now: t0 + 3)), ["a", "d", "e"])
            try expectEqual(try await store.cacheAdd(stock, entries: [entry("f", "666666")], maxEntries: 3, maxBytes: 7, now: t0 + 4), 2)
            try expectEqual(keys(try await store.cacheLoad(stock, keys: nil, now: t0 + 4)), ["e", "f"])

            let other = CacheAddress(scope: "run:1", name: "tmp")
            _ = try await store.cacheAdd(
                other, entries: [entry("x", "1", expires: t0 + 1), entry("y", "2", expires: t0 + 1)],
                maxEntries: 10, maxBytes: 1000, now: t0)
            try expectEqual(try await store.pruneExpiredCacheEntries(now: t0 + 5, limit: 1), 1, "at most the limit")
            try expectEqual(try await store.pruneExpiredCacheEntries(now: t0 + 5, limit: 10), 1)
            try expectEqual(try await store.cacheClear(stock), 2)
            try expect(try await store.cacheLoad(stock, keys: nil, now: t0).isEmpty)
        },
        ConformanceCheck("tracked values are found by value newest first with their run's status, replaced per step, and go with their run") { open in
            let store = try await open()
            let older = try await store.startClaimed(NewRun(flowID: "orders", flowVersion: 1, trigger: .manual), owner: "cli", leaseUntil: t0 + 30, now: t0)
            try await store.finishRun(runID: older.id, status: .success, error: nil, failedShapeID: nil, now: t0 + 1)
            let newer = try await store.startClaimed(NewRun(flowID: "orders", flowVersion: 1, trigger: .manual), owner: "cli", leaseUntil: t0 + 30, now: t0 + 2)
            func value(_ run: RunID, _ shape: String, _ index: Int, _ field: String, _ text: String) -> TrackedValue {
                TrackedValue(runID: run, flowID: "orders", shapeID: shape, payloadIndex: index, field: field, value: text)
            }
            try await store.recordTrackedValues(
                [
                    value(older.id, "track", 0, "order", "1042"), value(older.id, "track", 0, "email", "ann@example.com"),
                    value(older.id, "track", 1, "order", "1043"),
                ], now: t0 + 1)
            try await store.recordTrackedValues([value(newer.id, "track", 0, "order", "1042"), value(newer.id, "track", 0, "sku", "1042")], now: t0 + 3)
            let hits = try await store.searchTrackedValues("1042", field: nil, limit: 10)
            try expectEqual(hits.map(\.value.runID), [newer.id, newer.id, older.id])
            try expectEqual(hits.last, TrackedHit(value: value(older.id, "track", 0, "order", "1042"), trackedAt: t0 + 1, runStatus: "success"))
            try expectEqual(hits.first?.runStatus, "started")
            try expectEqual(try await store.searchTrackedValues("1042", field: "order", limit: 10).count, 2)
            try expectEqual(try await store.searchTrackedValues("1042", field: nil, limit: 1).count, 1)
            try expect(try await store.searchTrackedValues("104", field: nil, limit: 10).isEmpty, "exact values only")

            // The step runs again (a retry): what it tracked before is replaced.
            try await store.recordTrackedValues([value(older.id, "track", 0, "order", "2000")], now: t0 + 4)
            try expect(try await store.searchTrackedValues("1043", field: nil, limit: 10).isEmpty)
            try expectEqual(try await store.searchTrackedValues("2000", field: nil, limit: 10).count, 1)
            // Retention deletes the run and its tracked values with it.
            try expectEqual(try await store.pruneRuns(olderThan: t0 + 1.5, limit: 10), 1)
            try expect(try await store.searchTrackedValues("2000", field: nil, limit: 10).isEmpty)
            try expectEqual(try await store.searchTrackedValues("1042", field: nil, limit: 10).count, 2)
        },
        ConformanceCheck("finishStep stores the step's variables; a run reads back those of its latest step at or before a sequence") { open in
            let store = try await open()
            let run = try await store.startClaimed(NewRun(flowID: "orders", flowVersion: 1, trigger: .manual), owner: "cli", leaseUntil: t0 + 30, now: t0)
            for sequence in 1...3 {
                try await store.beginStep(
                    StepID(run: run.id, sequence: sequence), shapeID: "s\(sequence)", shapeType: "map", inputCount: 1, inputBytes: 1, now: t0)
            }
            try await store.finishStep(StepID(run: run.id, sequence: 1), outcome: StepOutcome(status: .success, attempts: 1), now: t0)
            try expect(try await store.runVariables(runID: run.id, throughSequence: 3) == nil, "no step set any")
            try await store.finishStep(
                StepID(run: run.id, sequence: 2),
                outcome: StepOutcome(
                    status: .success, attempts: 1, variables: ["cursor": "2026-11-01", "count": 3, "seen": ["a", "b"]]), now: t0)
            try await store.finishStep(StepID(run: run.id, sequence: 3), outcome: StepOutcome(status: .success, attempts: 1), now: t0)
            try expect(try await store.runVariables(runID: run.id, throughSequence: 1) == nil)
            try expectEqual(
                try await store.runVariables(runID: run.id, throughSequence: 3),
                ["cursor": "2026-11-01", "count": 3, "seen": ["a", "b"]])
            // The step finished again (retried) with other values: they replace the earlier ones.
            try await store.finishStep(StepID(run: run.id, sequence: 2), outcome: StepOutcome(status: .success, attempts: 2, variables: ["count": 4]), now: t0)
            try expectEqual(try await store.runVariables(runID: run.id, throughSequence: 2), ["count": 4])
            try expect(try await store.runVariables(runID: RunID(run.id.rawValue + 1), throughSequence: 9) == nil)
        },
    ]
}

/// Pool keys collected by a streaming callback.
final class LockedKeys: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [PoolKey] = []
    func append(_ keys: [PoolKey]) { lock.withLock { collected += keys } }
    var keys: [PoolKey] { lock.withLock { collected } }
}
