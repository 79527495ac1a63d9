import Foundation
import GRDB
import SkeinCore
import SkeinStorage
import Testing

@testable import SkeinStorageSQLite

/// Claims of queued runs and the delivery ledger's answers commit without their own fsync
/// (`SQLiteStore.write(syncing: false)`); everything else the one writer connection commits must stay
/// durable (`synchronous = FULL`, SQLite's 2) after one, whether it committed or failed.
@Suite struct SQLiteUnsyncedWriteTests {
    private func writerSynchronous(_ store: SQLiteStore) async throws -> Int? {
        try await store.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
    }

    @Test func commitsAfterAClaimAreDurableAgain() async throws {
        try await withStore { store, _ in
            let now = Date()
            _ = try await store.enqueue(NewRun(flowID: "orders", flowVersion: 1, trigger: .api), now: now)
            let claimed = try await store.claimRuns(owner: "w1", limit: 4, leaseUntil: now + 30, now: now)
            #expect(claimed.count == 1)
            #expect(try await writerSynchronous(store) == 2)
        }
    }

    @Test func aFailedUnsyncedWriteLeavesCommitsDurableAndChangesNothing() async throws {
        struct Refused: Error {}
        try await withStore { store, _ in
            let now = Date()
            let run = try await store.enqueue(NewRun(flowID: "orders", flowVersion: 1, trigger: .api), now: now)
            await #expect(throws: Refused.self) {
                try await store.write(syncing: false) { db in
                    try db.execute(sql: "UPDATE runs SET status = 'started' WHERE id = ?", arguments: [run.id])
                    throw Refused()
                }
            }
            #expect(try await writerSynchronous(store) == 2)
            #expect(try await store.run(id: run.id)?.status == .queued)
        }
    }

    @Test func theLedgerAnswerIsRecordedAndLaterCommitsAreDurableAgain() async throws {
        try await withStore { store, _ in
            let now = Date()
            let claim = DeliveryClaim(
                key: DeliveryKey(system: "WMS", instance: "wms", reference: "SO-1"), contentHash: "h1",
                claimant: DeliveryClaimant(runID: RunID(rawValue: 1), shapeID: "post"), rule: .ifChanged)
            #expect(try await store.claimDelivery(claim, now: now) == .send(repeated: false))
            try await store.recordDelivery(claim, accepted: true, endpointID: "E-1", response: "201 Created", now: now)
            #expect(try await writerSynchronous(store) == 2)
            #expect(try await store.delivery(claim.key)?.delivered?.contentHash == "h1")
        }
    }
}
