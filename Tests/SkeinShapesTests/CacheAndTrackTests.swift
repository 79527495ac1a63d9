import Foundation
import SkeinCore
import SkeinJSON
import SkeinStorage
import SkeinStorageMemory
import Testing

@Suite struct CacheTests {
    static let addFlow = """
        id: stock-in
        shapes:
          - id: each
            split: { path: levels }
          - id: keep
            cache: { action: add, name: stock, key: sku, scope: installation, ttl: 1h, max_entries: 3 }
        """

    @Test func stockLevelsAddedInOneFlowAreLoadedInAnotherByKey() async throws {
        let clock = TestClock()
        let harness = Harness(store: MemoryStore(), now: { clock.now })
        let add = try await harness.deploy(CacheTests.addFlow)
        let load = try await harness.deploy(
            """
            id: orders-out
            shapes:
              - id: each
                split: { path: line_items }
              - id: stock
                cache: { action: load, name: stock, key: sku, scope: installation }
            """)
        _ = try await harness.run(add, [["levels": [["sku": "AB-1", "on_hand": 4], ["sku": "CD-2", "on_hand": 0]]]])
        // A later level for AB-1 replaces the first.
        _ = try await harness.run(add, [["levels": [["sku": "AB-1", "on_hand": 3]]]])
        let (run, status) = try await harness.run(load, [order(1, skus: ["AB-1", "ZZ-9"])])
        #expect(status == .success)
        #expect(try await harness.outputs(run.id, "stock") == [["sku": "AB-1", "on_hand": 3]])
        clock.advance(3601)
        let (expired, _) = try await harness.run(load, [order(2, skus: ["AB-1"])])
        #expect(try await harness.outputs(expired.id, "stock").isEmpty)
        #expect(try await harness.step(expired.id, "stock")?.warnings.first?.contains("has no entries") == true)
    }

    @Test func theOldestEntriesAreEvictedBeyondTheLimitWithAWarning() async throws {
        let harness = Harness(store: MemoryStore())
        let add = try await harness.deploy(CacheTests.addFlow)
        let (run, _) = try await harness.run(add, [["levels": .array((1...5).map { n -> JSON in ["sku": .string("S-\(n)"), "on_hand": .number(Double(n))] })]])
        #expect(try await harness.step(run.id, "keep")?.warnings.first?.contains("2 oldest entries evicted") == true)
        let left = try await harness.store.cacheLoad(CacheAddress(scope: "installation", name: "stock"), keys: nil, now: Date())
        #expect(left.map(\.key) == ["S-3", "S-4", "S-5"])
    }

    @Test func aRunScopedCacheIsNotSeenByOtherRuns() async throws {
        let harness = Harness(store: MemoryStore())
        let flow = try await harness.deploy(
            """
            id: scoped
            shapes:
              - id: keep
                cache: { action: add, name: order, scope: run }
              - id: replace
                payload: { json: { note: replaced } }
              - id: back
                cache: { action: load, name: order, scope: run, if_empty: fail }
            """)
        let (first, status) = try await harness.run(flow, [order(1)])
        #expect(status == .success)
        #expect(orderNumbers(try await harness.outputs(first.id, "back")) == [1])
        let other = try await harness.deploy(
            """
            id: other
            shapes:
              - id: back
                cache: { action: load, name: order, scope: run, if_empty: fail }
            """)
        let (second, failed) = try await harness.run(other, [order(2)])
        #expect(failed == .failure)
        #expect(try await harness.step(second.id, "back")?.error?.contains("cache 'order' (run) has no entries") == true)
    }
}

@Suite struct TrackDataTests {
    @Test func whereDidOrder1042GoAcrossRunsAndFields() async throws {
        let harness = Harness(store: MemoryStore())
        let flow = try await harness.deploy(
            """
            id: orders-to-erp
            shapes:
              - id: each
                split: { path: orders }
              - id: track
                track_data:
                  fields:
                    order: order_number
                    sku: line_items.sku
                    email: customer.email
            """)
        let (first, _) = try await harness.run(flow, [["orders": [order(1041), order(1042, skus: ["AB-1", "1042"])]]])
        let (second, _) = try await harness.run(flow, [["orders": [order(1042)]]])
        let hits = try await harness.store.searchTrackedValues("1042", field: nil, limit: 10)
        #expect(
            Set(hits.map { "\($0.value.runID)/\($0.value.payloadIndex)/\($0.value.field)" })
                == ["\(first.id)/1/order", "\(first.id)/1/sku", "\(second.id)/0/order"])
        #expect(hits.allSatisfy { $0.runStatus == "success" && $0.value.shapeID == "track" && $0.value.flowID == "orders-to-erp" })
        let orders = try await harness.store.searchTrackedValues("1042", field: "order", limit: 10)
        #expect(orders.map(\.value.runID) == [second.id, first.id])
        #expect(try await harness.store.searchTrackedValues("CD-2", field: nil, limit: 10).isEmpty)
        #expect(try await harness.store.searchTrackedValues("ann@example.com", field: "email", limit: 10).count == 3)
        // Payloads pass through unchanged.
        #expect(orderNumbers(try await harness.outputs(first.id, "track")) == [1041, 1042])
    }

    @Test func trackedValuesGoWithTheirRun() async throws {
        let harness = Harness(store: MemoryStore())
        let flow = try await harness.deploy("id: t\nshapes:\n  - id: track\n    track_data: { fields: { order: order_number } }\n")
        _ = try await harness.run(flow, [order(5)])
        #expect(try await harness.store.searchTrackedValues("5", field: nil, limit: 10).count == 1)
        #expect(try await harness.store.pruneRuns(olderThan: Date() + 60, limit: 10) == 1)
        #expect(try await harness.store.searchTrackedValues("5", field: nil, limit: 10).isEmpty)
    }
}
