import Foundation
import GRDB
import SkeinCore
import SkeinStorage
import SkeinStorageSQLite
import Testing

/// The SQLite ledger commits concurrent claims together (`GroupCommit`); what every backend does
/// with them is in the conformance suite. These check what batching must not change: a claim that
/// fails fails only its caller, and no caller hears "send" before its claim is on disk.
@Suite struct DeliveryLedgerGroupCommitTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    func claim(_ reference: String, run: Int64 = 1) -> DeliveryClaim {
        DeliveryClaim(
            key: DeliveryKey(system: "WMS", instance: "wms", reference: reference), contentHash: "h1",
            claimant: DeliveryClaimant(runID: RunID(rawValue: run), shapeID: "post"), rule: .ifChanged)
    }

    /// Holds SQLite's write lock from another connection, as another process's long write would,
    /// until `release` — so the claims made meanwhile queue up and are committed as one batch.
    final class WriteLockHolder: Sendable {
        let queue: DatabaseQueue
        init(path: String) throws {
            var configuration = Configuration()
            configuration.allowsUnsafeTransactions = true  // the transaction outlives one access on purpose
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.inDatabase { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        }
        func release() throws { try queue.inDatabase { db in try db.execute(sql: "COMMIT") } }
    }

    @Test func aRefusedClaimInABatchFailsOnlyItsCaller() async throws {
        try await withStore { store, path in
            let other = try DatabaseQueue(path: path)
            try await other.write { db in
                try db.execute(
                    sql: """
                        CREATE TRIGGER refuse_poison BEFORE INSERT ON delivery_ledger WHEN NEW.reference = 'poison'
                        BEGIN SELECT RAISE(ABORT, 'refused by test'); END
                        """)
            }
            let lock = try WriteLockHolder(path: path)
            let references = (1...15).map { "SO-\($0)" } + ["poison"]
            async let outcomes = withTaskGroup(of: (String, Result<DeliveryDecision, any Error>).self) { group in
                for reference in references {
                    group.addTask {
                        do { return (reference, .success(try await store.claimDelivery(claim(reference), now: now))) } catch {
                            return (reference, .failure(error))
                        }
                    }
                }
                return await group.reduce(into: [String: Result<DeliveryDecision, any Error>]()) { $0[$1.0] = $1.1 }
            }
            try await Task.sleep(for: .milliseconds(300))
            try lock.release()
            let results = await outcomes
            #expect(results.count == 16)
            for reference in references where reference != "poison" {
                guard case .success(let decision) = results[reference] else {
                    Issue.record("\(reference) failed with the poisoned claim: \(String(describing: results[reference]))")
                    continue
                }
                #expect(decision == .send(repeated: false), "\(reference)")
                let row = try await store.delivery(claim(reference).key)
                #expect(row?.claimHash == "h1", "\(reference)'s claim is stored")
            }
            guard case .failure(let error) = results["poison"] else {
                Issue.record("the refused claim was reported as made: \(String(describing: results["poison"]))")
                return
            }
            #expect(error is StorageError, "\(error)")
            #expect(try await store.delivery(claim("poison").key) == nil)
        }
    }

    @Test func aClaimAnsweredSendIsAlreadyReadableFromAnotherConnection() async throws {
        try await withStore { store, path in
            let references = (1...40).map { "SO-\($0)" }
            let other = try DatabaseQueue(path: path)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for reference in references {
                    group.addTask {
                        #expect(try await store.claimDelivery(claim(reference), now: now) == .send(repeated: false))
                        // Another process would see it now: it was committed before the answer.
                        let stored = try await other.read { db in
                            try String.fetchOne(db, sql: "SELECT claim_hash FROM delivery_ledger WHERE reference = ?", arguments: [reference])
                        }
                        #expect(stored == "h1", "\(reference)")
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}
