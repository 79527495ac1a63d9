import Foundation
import GRDB
import SkeinCore
import SkeinJSON
import SkeinStorage
import SkeinStorageSQLite
import Testing

/// Makes every insert into `runs` fail from now on, as a full disk or a broken file would: a real
/// SQLite error from the real store (another connection adds a trigger that aborts).
func refuseRunInserts(databaseAt path: String, when condition: String = "1") throws {
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in
        try db.execute(sql: "CREATE TRIGGER refuse_runs BEFORE INSERT ON runs WHEN \(condition) BEGIN SELECT RAISE(ABORT, 'refused by test'); END")
    }
}

@Suite struct RunIntakeBatcherTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    func order(_ n: Int, flowID: String = "orders") -> NewRun {
        NewRun(flowID: flowID, flowVersion: 1, trigger: .webhook, input: [Payload(json: ["order": .number(Double(n))])])
    }

    @Test func enqueueBatchStoresEveryRunWithItsPayloadInOrder() async throws {
        try await withStore { store, _ in
            let records = try await store.enqueueBatch((1...5).map { order($0) }, now: now)
            #expect(records.map(\.status) == Array(repeating: .queued, count: 5))
            #expect(records.map(\.id) == records.map(\.id).sorted())
            for (n, record) in zip(1..., records) {
                let payload = try #require(try await store.payload(of: .input(of: record.id), index: 0))
                #expect(try payload.json()["order"] == .number(Double(n)), "run \(record.id) holds its own input")
                #expect(try await store.run(id: record.id)?.queuedAt == now)
            }
        }
    }

    @Test func aBatchWithOneRefusedRunStoresNone() async throws {
        try await withStore { store, path in
            try refuseRunInserts(databaseAt: path, when: "NEW.flow_id = 'poison'")
            await #expect(throws: StorageError.self) {
                try await store.enqueueBatch([order(1), order(2, flowID: "poison"), order(3)], now: now)
            }
            #expect(try await store.runs(RunQuery(limit: 10)).isEmpty, "one transaction: the runs before the refused one are gone too")
        }
    }

    @Test func concurrentEnqueuesAllReturnTheirOwnStoredRun() async throws {
        try await withStore { store, _ in
            let batcher = RunIntakeBatcher(store: store, maximumBatch: 16)
            let results = try await withThrowingTaskGroup(of: (Int, RunRecord).self) { group in
                for n in 1...200 { group.addTask { (n, try await batcher.enqueue(order(n), now: now)) } }
                return try await group.reduce(into: [(Int, RunRecord)]()) { $0.append($1) }
            }
            #expect(Set(results.map(\.1.id)).count == 200, "every caller got a run of its own")
            for (n, record) in results {
                // Readable as soon as the caller was answered: it was committed before.
                let payload = try #require(try await store.payload(of: .input(of: record.id), index: 0))
                #expect(try payload.json()["order"] == .number(Double(n)))
            }
            #expect(try await store.runs(RunQuery(limit: 1000)).count == 200)
        }
    }

    @Test func everyCallerOfAFailedBatchGetsTheError() async throws {
        try await withStore { store, path in
            try refuseRunInserts(databaseAt: path)
            let batcher = RunIntakeBatcher(store: store)
            let failures = await withTaskGroup(of: Bool.self) { group in
                for n in 1...50 {
                    group.addTask {
                        do { _ = try await batcher.enqueue(order(n), now: now); return false } catch { return error is StorageError }
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(failures == 50)
            #expect(try await store.runs(RunQuery(limit: 100)).isEmpty)
        }
    }
}
