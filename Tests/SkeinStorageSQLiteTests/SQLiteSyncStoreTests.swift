import Foundation
import Testing
import SkeinCore
import SkeinJSON
import SkeinStorage
import SkeinStorageSQLite

/// The sync report store: entries written with their step, attempts and transitions,
/// confirmation, due retries, filters, substring search and keyset pages.
@Suite struct SQLiteSyncStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    func entry(_ reference: String, system: String = "ERP", status: SyncStatus = .ok, at: Date? = nil, next: Date? = nil) -> NewSyncEntry {
        let outcome: SyncOutcome = switch status {
        case .ok: .accepted
        case .sent: .delivered
        case .pending: .transientFailure("503 Service Unavailable")
        case .failed: .permanentFailure("422 Unprocessable Entity")
        }
        let payload = Payload(json: ["reference": .string(reference), "note": .string(String(repeating: "x", count: 900))])
        return NewSyncEntry(item: SyncItem(system: system, reference: reference, sourceID: "S-" + reference, payload: payload, outcome: outcome),
                            status: status, reason: "first try", nextRetryAt: next, attemptedAt: at)
    }

    let origin = SyncOrigin(flowID: "orders", flowVersion: 1, runID: 7, shapeID: "post")

    @Test func finishStepStoresTheStepsSyncEntriesWithItsPayloadsInOneTransaction() async throws {
        try await withStore { store, _ in
            let run = try await store.startClaimed(NewRun(flowID: "orders", flowVersion: 3, trigger: .manual), owner: "cli",
                                                   leaseUntil: t0 + 30, now: t0)
            try await store.beginStep(runID: run.id, sequence: 1, shapeID: "post-to-erp", shapeType: "http", inputCount: 2, inputBytes: 10, now: t0)
            try await store.finishStep(runID: run.id, sequence: 1, outcome: StepOutcome(
                status: .success, attempts: 1, syncEntries: [entry("#1001"), entry("#1002", status: .pending, next: t0 + 60)]), now: t0)
            let page = try await store.syncEntries(SyncQuery(since: t0 - 1, sort: .reference, descending: false))
            #expect(page.entries.map(\.reference) == ["#1001", "#1002"])
            let first = try #require(page.entries.first)
            #expect((first.flowID, first.flowVersion, first.runID, first.shapeID) == ("orders", 3, run.id, "post-to-erp"))
            #expect(first.sourceID == "S-#1001" && first.attempts == 1 && first.status == .ok)
            let payload = try #require(try await store.syncPayload(entryID: first.id))
            #expect(try payload.json()["reference"] == .string("#1001"))
            #expect(try await store.syncTransitions(entryID: first.id).map(\.to) == [.ok])
        }
    }

    @Test func attemptsAreRecordedWithTransitionsAndPendingEntriesAreClaimedOnceWhenDue() async throws {
        try await withStore { store, _ in
            let ids = try await store.insertSyncEntries([entry("A", status: .pending, next: t0 + 10), entry("B", status: .pending, next: t0 + 100)],
                                                        origin: origin, now: t0)
            #expect(try await store.claimDueSyncRetries(now: t0 + 5, limit: 10, leaseUntil: t0 + 300).isEmpty)
            let due = try await store.claimDueSyncRetries(now: t0 + 20, limit: 10, leaseUntil: t0 + 300)
            #expect(due.map(\.id) == [ids[0]])
            #expect(try await store.claimDueSyncRetries(now: t0 + 20, limit: 10, leaseUntil: t0 + 300).isEmpty)  // claimed

            try await store.recordSyncAttempt(entryID: ids[0], SyncAttempt(status: .pending, reason: "still down", endpointID: nil,
                                                                          response: "503", nextRetryAt: t0 + 40, manual: false), now: t0 + 21)
            try await store.recordSyncAttempt(entryID: ids[0], SyncAttempt(status: .ok, reason: "accepted", endpointID: "E-1",
                                                                          response: "201 Created", nextRetryAt: nil, manual: false), now: t0 + 41)
            let entry = try #require(try await store.syncEntry(id: ids[0]))
            #expect((entry.status, entry.attempts, entry.automaticRetries, entry.endpointID) == (.ok, 3, 2, "E-1"))
            #expect(entry.firstAttemptAt == t0 && entry.latestAttemptAt == t0 + 41 && entry.nextRetryAt == nil)
            let history = try await store.syncTransitions(entryID: ids[0])
            #expect(history.map { "\($0.from?.rawValue ?? "-")>\($0.to.rawValue)" } == ["->pending", "pending>ok"])

            try await store.recordSyncAttempt(entryID: ids[0], SyncAttempt(status: .ok, reason: "accepted", endpointID: nil,
                                                                          response: "200 OK", nextRetryAt: nil, manual: true), now: t0 + 50)
            let resynced = try #require(try await store.syncEntry(id: ids[0]))
            #expect(resynced.automaticRetries == 0 && resynced.endpointID == "E-1")  // a manual resync resets the retry budget
            #expect(try await store.syncTransitions(entryID: ids[0]).last?.reason == "resync: accepted")
            await #expect(throws: StorageError.self) {
                try await store.recordSyncAttempt(entryID: 999, SyncAttempt(status: .ok, reason: "", endpointID: nil, response: "",
                                                                           nextRetryAt: nil, manual: true), now: t0)
            }
        }
    }

    @Test func onlySentEntriesCanBeConfirmed() async throws {
        try await withStore { store, _ in
            let ids = try await store.insertSyncEntries([entry("F1", status: .sent), entry("F2", status: .ok)], origin: origin, now: t0)
            #expect(try await store.confirmSync(ids: ids + [999], reason: "ack file seen", now: t0 + 5) == [ids[0]])
            #expect(try await store.syncEntry(id: ids[0])?.status == .ok)
            #expect(try await store.syncTransitions(entryID: ids[0]).last == SyncTransition(at: t0 + 5, from: .sent, to: .ok, reason: "ack file seen"))
            #expect(try await store.confirmSync(ids: [ids[0]], reason: "again", now: t0 + 6).isEmpty)
        }
    }

    @Test func filtersSearchCountsAndKeysetPages() async throws {
        try await withStore { store, _ in
            var entries: [NewSyncEntry] = []
            for n in 0..<30 {
                let status: SyncStatus = [.ok, .failed, .pending][n % 3]
                entries.append(entry("DEMOTEST-\(n)-\(n % 2 == 0 ? "YELLOW" : "BLUE")", system: n % 2 == 0 ? "Shopify" : "ERP",
                                     status: status, at: t0 + Double(n)))
            }
            entries.append(entry("OLD-1", at: t0 - 10 * 86400))
            let ids = try await store.insertSyncEntries(entries, origin: origin, now: t0)
            let window = SyncQuery(since: t0 - 86400)

            #expect(try await store.syncCounts(window) == [.ok: 10, .failed: 10, .pending: 10, .sent: 0])
            var failedShopify = window
            failedShopify.statuses = [.failed]
            failedShopify.systems = ["Shopify"]
            #expect(try await store.syncEntries(failedShopify).entries.map(\.reference) == ["DEMOTEST-28-YELLOW", "DEMOTEST-22-YELLOW",
                                                                                          "DEMOTEST-16-YELLOW", "DEMOTEST-10-YELLOW", "DEMOTEST-4-YELLOW"])
            var search = window
            search.search = "st-1-bl"  // case-insensitive substring, via the trigram index
            #expect(try await store.syncEntries(search).entries.map(\.reference) == ["DEMOTEST-1-BLUE"])
            search.search = "fy"  // two characters: a scan, matching the system too
            #expect(try await store.syncEntries(search).entries.count == 15)
            search.search = String(ids[3])
            #expect(try await store.syncEntries(search).entries.map(\.id).contains(ids[3]))
            search.search = "OLD-1"
            #expect(try await store.syncEntries(search).entries.isEmpty)  // outside the window
            search.search = "shop"  // part of a system's name: every Shopify entry
            #expect(try await store.syncEntries(search).entries.count == 15)

            // A search paged 4 at a time (pages filled by walking the newest rows) gives the same
            // entries, in the same order, as one page of all (answered by the trigram index).
            for term in ["yellow", "ERP", "EST-2"] {
                var paged = window
                paged.search = term
                paged.limit = 4
                var seen: [String] = []
                repeat {
                    let page = try await store.syncEntries(paged)
                    seen += page.entries.map(\.reference)
                    paged.after = page.next
                } while paged.after != nil
                var all = window
                all.search = term
                all.limit = 100
                let expected = try await store.syncEntries(all).entries.map(\.reference)
                #expect(seen == expected && !expected.isEmpty, "search \(term)")
            }

            // Keyset pages in every sort order give every entry once, in order.
            for sort in SyncSortColumn.allCases {
                for descending in [false, true] {
                    var query = window
                    query.sort = sort
                    query.descending = descending
                    query.limit = 7
                    var seen: [Int64] = []
                    repeat {
                        let page = try await store.syncEntries(query)
                        seen += page.entries.map(\.id)
                        query.after = page.next
                    } while query.after != nil
                    #expect(Set(seen).count == 30 && seen.count == 30, "sort \(sort) desc \(descending)")
                    var all = window
                    all.sort = sort
                    all.descending = descending
                    all.limit = 100
                    #expect(try await store.syncEntries(all).entries.map(\.id) == seen)
                }
            }
        }
    }
}
