import Foundation
import SkeinCore
import SkeinJSON
import SkeinShapes
import SkeinStorage
import SkeinStorageMemory
import SkeinStorageSQLite
import Testing

@Suite struct DedupeTests {
    static let flow = """
        id: new-orders
        shapes:
          - id: each
            split: { path: orders }
          - id: once
            dedupe: { pool: shop-orders, key: order_number }
        """

    @Test func concurrentRunsOnOnePoolPassEachKeyExactlyOnce() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        // Two handles on one file, as two `skein serve` processes would have, each running runs at once.
        let stores = [try database.open(), try database.open()]
        let harnesses = stores.map { Harness(store: $0) }
        let flow = try await harnesses[0].deploy(DedupeTests.flow)
        // Eight runs whose orders overlap: run r carries orders 20r+1 ... 20r+60 (every order in up to three runs).
        let batches = (0..<8).map { run in Array((20 * run + 1)...(20 * run + 60)) }
        let results = try await withThrowingTaskGroup(of: (RunID, RunStatus).self) { group in
            for (index, batch) in batches.enumerated() {
                let harness = harnesses[index % 2]
                group.addTask {
                    let (run, status) = try await harness.run(flow, [["orders": .array(batch.map { order($0) })]])
                    return (run.id, status)
                }
            }
            return try await group.reduce(into: [(RunID, RunStatus)]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0.1 == .success })
        var passed: [Int] = []
        for (runID, _) in results { passed += orderNumbers(try await harnesses[0].outputs(runID, "once")) }
        #expect(passed.count == Set(passed).count, "a key passed more than once")
        #expect(Set(passed) == Set(1...200))
    }

    @Test func claimsFromManyTasksAndTwoHandlesAreDisjoint() async throws {
        let database = try TestDatabase()
        defer { database.remove() }
        let stores = [try database.open(), try database.open()]
        let claims = try await withThrowingTaskGroup(of: Set<String>.self) { group in
            for task in 0..<16 {
                let store = stores[task % 2]
                group.addTask {
                    let keys = (0..<100).map { "SKU-\((task * 37 + $0 * 7) % 300)" }
                    return try await store.claimKeys(
                        pool: "skus", keys: keys, claimant: PoolClaimant(runID: RunID(Int64(task)), shapeID: "once"),
                        expiresAt: nil, now: Date())
                }
            }
            return try await group.reduce(into: [Set<String>]()) { $0.append($1) }
        }
        let all = claims.flatMap { $0 }
        #expect(all.count == Set(all).count)
        let offered = Set((0..<16).flatMap { task in (0..<100).map { "SKU-\((task * 37 + $0 * 7) % 300)" } })
        #expect(Set(all) == offered)
    }

    @Test func aSecondRunDropsWhatTheFirstPassedAndWarnsWithTheKeys() async throws {
        let harness = Harness(store: MemoryStore())
        let flow = try await harness.deploy(DedupeTests.flow)
        let (first, _) = try await harness.run(flow, [["orders": [order(1042), order(1043), order(1042)]]])
        #expect(orderNumbers(try await harness.outputs(first.id, "once")) == [1042, 1043])
        let (second, status) = try await harness.run(flow, [["orders": [order(1043), order(1044)]]])
        #expect(status == .success)
        #expect(orderNumbers(try await harness.outputs(second.id, "once")) == [1044])
        let warnings = try await harness.step(second.id, "once")?.warnings ?? []
        #expect(warnings.contains { $0.contains("already seen in pool 'shop-orders': 1043") })
    }

    @Test func filterModeRecordsNothingAndTrackModePassesEverything() async throws {
        let harness = Harness(store: MemoryStore())
        let track = try await harness.deploy(
            """
            id: track-stock
            shapes:
              - id: each
                split: { path: levels }
              - id: remember
                dedupe: { pool: stock, key: "[sku, warehouse]", mode: track }
            """)
        let filter = try await harness.deploy(
            """
            id: filter-stock
            shapes:
              - id: each
                split: { path: levels }
              - id: unseen
                dedupe: { pool: stock, key: "[sku, warehouse]", mode: filter }
            """)
        let levels: JSON = ["levels": [["sku": "AB-1", "warehouse": "LEEDS", "on_hand": 4], ["sku": "AB-1", "warehouse": "YORK", "on_hand": 0]]]
        let (tracked, _) = try await harness.run(track, [levels])
        #expect(try await harness.outputs(tracked.id, "remember").count == 2)
        let (again, _) = try await harness.run(track, [levels])
        #expect(try await harness.outputs(again.id, "remember").count == 2, "track mode never drops")
        let newLevels: JSON = ["levels": [["sku": "AB-1", "warehouse": "LEEDS", "on_hand": 3], ["sku": "CD-2", "warehouse": "LEEDS", "on_hand": 9]]]
        let (filtered, _) = try await harness.run(filter, [newLevels])
        #expect(try await harness.outputs(filtered.id, "unseen") == [["sku": "CD-2", "warehouse": "LEEDS", "on_hand": 9]])
        let (filteredAgain, _) = try await harness.run(filter, [newLevels])
        #expect(try await harness.outputs(filteredAgain.id, "unseen").count == 1, "filter mode does not record CD-2")
        #expect(try await harness.store.dataPools().map(\.keys) == [2])
    }

    @Test func aPayloadWithoutAKeyFailsTheStepNamingItUnlessToldOtherwise() async throws {
        let harness = Harness(store: MemoryStore())
        let strict = try await harness.deploy(DedupeTests.flow)
        let (run, status) = try await harness.run(strict, [["orders": [order(1), ["customer": ["email": "x@example.com"]]]]])
        #expect(status == .failure)
        let error = try await harness.step(run.id, "once")?.error ?? ""
        #expect(error.contains("payload 1") && error.contains("gave no key"))
        let lenient = try await harness.deploy(
            DedupeTests.flow.replacingOccurrences(of: "new-orders", with: "lenient")
                .replacingOccurrences(of: "key: order_number }", with: "key: order_number, missing_key: pass }"))
        let (passed, passedStatus) = try await harness.run(lenient, [["orders": [order(2), ["note": "no number"]]]])
        #expect(passedStatus == .success)
        #expect(try await harness.outputs(passed.id, "once").count == 2)
    }

    @Test func keysExpireAfterTheRetentionAndArePruned() async throws {
        let clock = TestClock()
        let harness = Harness(store: MemoryStore(), now: { clock.now })
        let flow = try await harness.deploy(DedupeTests.flow.replacingOccurrences(of: "key: order_number }", with: "key: order_number, retention: 2d }"))
        _ = try await harness.run(flow, [["orders": [order(7)]]])
        clock.advance(86400)
        let (dayLater, _) = try await harness.run(flow, [["orders": [order(7)]]])
        #expect(try await harness.outputs(dayLater.id, "once").isEmpty)
        clock.advance(2 * 86400)
        #expect(try await harness.store.pruneExpiredPoolKeys(now: clock.now, limit: 100) == 1)
        let (later, _) = try await harness.run(flow, [["orders": [order(7)]]])
        #expect(orderNumbers(try await harness.outputs(later.id, "once")) == [7])
    }

    @Test func aStepRunAgainPassesTheKeysItClaimedItself() async throws {
        let store = MemoryStore()
        let claimant = PoolClaimant(runID: 5, shapeID: "once")
        #expect(try await store.claimKeys(pool: "p", keys: ["a", "b"], claimant: claimant, expiresAt: nil, now: Date()) == ["a", "b"])
        // The process died before the step was recorded; the resumed step claims again.
        #expect(try await store.claimKeys(pool: "p", keys: ["a", "b", "c"], claimant: claimant, expiresAt: nil, now: Date()) == ["a", "b", "c"])
        #expect(
            try await store.claimKeys(
                pool: "p", keys: ["a", "c", "d"], claimant: PoolClaimant(runID: 6, shapeID: "once"),
                expiresAt: nil, now: Date()) == ["d"])
    }

    @Test func badSettingsAreReportedWithTheirPath() throws {
        let catalog = Harness(store: MemoryStore()).catalog
        #expect(throws: FlowValidationError.self) {
            try FlowFile.decode(
                """
                id: bad
                shapes:
                  - id: once
                    dedupe: { pool: "my pool", key: "order_number(", mode: sometimes }
                """, catalog: catalog)
        }
        do {
            _ = try FlowFile.decode("id: bad\nshapes:\n  - id: once\n    dedupe: { pool: \"my pool\", key: \"(\", mode: sometimes }\n", catalog: catalog)
        } catch {
            let text = "\(error)"
            #expect(text.contains("shapes[0].dedupe.pool"))
            #expect(text.contains("shapes[0].dedupe.key"))
            #expect(text.contains("shapes[0].dedupe.mode"))
        }
    }
}
