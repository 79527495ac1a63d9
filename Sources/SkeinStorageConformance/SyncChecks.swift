import Foundation
import SkeinCore
import SkeinJSON
import SkeinStorage

/// The sync report store: entries written with their step, attempts and transitions,
/// confirmation, due retries, filters, substring search, keyset pages and streaming.
enum SyncChecks {
    static func entry(_ reference: String, system: String = "ERP", status: SyncStatus = .ok, at: Date? = nil, next: Date? = nil) -> NewSyncEntry {
        let outcome: SyncOutcome =
            switch status {
            case .ok: .accepted
            case .sent: .delivered
            case .pending: .transientFailure("503 Service Unavailable")
            case .failed: .permanentFailure("422 Unprocessable Entity")
            case .skipped: .alreadyDelivered("already delivered")
            }
        let payload = Payload(json: ["reference": .string(reference), "note": .string(String(repeating: "x", count: 900))])
        return NewSyncEntry(
            item: SyncItem(system: system, reference: reference, sourceID: "S-" + reference, payload: payload, outcome: outcome),
            status: status, reason: "first try", nextRetryAt: next, attemptedAt: at)
    }

    static let origin = SyncOrigin(flowID: "orders", flowVersion: 1, runID: 7, shapeID: "post")

    static let all: [ConformanceCheck] = [
        ConformanceCheck("finishStep stores the step's sync entries with their payloads in one transaction") { open in
            let store = try await open()
            let run = try await store.startClaimed(NewRun(flowID: "orders", flowVersion: 3, trigger: .manual), owner: "cli", leaseUntil: t0 + 30, now: t0)
            try await store.beginStep(StepID(run: run.id, sequence: 1), shapeID: "post-to-erp", shapeType: "http", inputCount: 2, inputBytes: 10, now: t0)
            try await store.finishStep(
                StepID(run: run.id, sequence: 1),
                outcome: StepOutcome(
                    status: .success, attempts: 1, syncEntries: [entry("#1001"), entry("#1002", status: .pending, next: t0 + 60)]), now: t0)
            let page = try await store.syncEntries(SyncQuery(since: t0 - 1, sort: .reference, descending: false))
            try expectEqual(page.entries.map(\.reference), ["#1001", "#1002"])
            let first = try unwrap(page.entries.first)
            try expect(first.flowID == "orders" && first.flowVersion == 3 && first.runID == run.id && first.shapeID == "post-to-erp")
            try expect(first.sourceID == "S-#1001" && first.attempts == 1 && first.status == .ok)
            try expectEqual(try await store.syncOrigin(id: first.id), SyncOrigin(flowID: "orders", flowVersion: 3, runID: run.id, shapeID: "post-to-erp"))
            let payload = try unwrap(try await store.syncPayload(entryID: first.id))
            try expectEqual(try payload.json()["reference"], .string("#1001"))
            try expectEqual(try await store.syncTransitions(entryID: first.id).map(\.to), [.ok])
            try expectEqual(page.entries[1].nextRetryAt, t0 + 60)
        },
        ConformanceCheck("attempts are recorded with transitions, and due Pending entries are claimed once") { open in
            let store = try await open()
            let ids = try await store.insertSyncEntries(
                [entry("A", status: .pending, next: t0 + 10), entry("B", status: .pending, next: t0 + 100)],
                origin: origin, now: t0)
            try expect(try await store.claimDueSyncRetries(now: t0 + 5, limit: 10, leaseUntil: t0 + 300).isEmpty)
            let due = try await store.claimDueSyncRetries(now: t0 + 20, limit: 10, leaseUntil: t0 + 300)
            try expectEqual(due.map(\.id), [ids[0]])
            try expect(try await store.claimDueSyncRetries(now: t0 + 20, limit: 10, leaseUntil: t0 + 300).isEmpty, "already claimed")

            try await store.recordSyncAttempt(
                entryID: ids[0],
                SyncAttempt(
                    status: .pending, reason: "still down", endpointID: nil,
                    response: "503", nextRetryAt: t0 + 40, manual: false), now: t0 + 21)
            try await store.recordSyncAttempt(
                entryID: ids[0],
                SyncAttempt(
                    status: .ok, reason: "accepted", endpointID: "E-1",
                    response: "201 Created", nextRetryAt: nil, manual: false), now: t0 + 41)
            let entry = try unwrap(try await store.syncEntry(id: ids[0]))
            try expect(entry.status == .ok && entry.attempts == 3 && entry.automaticRetries == 2 && entry.endpointID == "E-1")
            try expect(entry.firstAttemptAt == t0 && entry.latestAttemptAt == t0 + 41 && entry.nextRetryAt == nil && entry.latestResponse == "201 Created")
            let history = try await store.syncTransitions(entryID: ids[0])
            try expectEqual(history.map { "\($0.from?.rawValue ?? "-")>\($0.to.rawValue)" }, ["->pending", "pending>ok"])
            // The attempt log has every attempt, the unchanged status of a retry too, with its answer.
            let attempts = try await store.syncAttempts(entryID: ids[0])
            try expectEqual(attempts.map(\.number), [1, 2, 3])
            try expectEqual(attempts.map(\.status), [.pending, .pending, .ok])
            try expectEqual(attempts.dropFirst().map(\.response), ["503", "201 Created"])
            try expectEqual(attempts.map(\.endpointID).last, "E-1")
            try expectEqual(attempts[1].at, t0 + 21)
            try expect(attempts.allSatisfy { !$0.manual })

            try await store.recordSyncAttempt(
                entryID: ids[0],
                SyncAttempt(
                    status: .ok, reason: "accepted", endpointID: "",
                    response: "200 OK", nextRetryAt: nil, manual: true), now: t0 + 50)
            let resynced = try unwrap(try await store.syncEntry(id: ids[0]))
            try expect(resynced.automaticRetries == 0 && resynced.endpointID == "E-1", "a manual resync resets the retry budget, keeps the endpoint id")
            try expectEqual(try await store.syncTransitions(entryID: ids[0]).last?.reason, "resync: accepted")
            let resync = try unwrap(try await store.syncAttempts(entryID: ids[0]).last)
            try expect(resync.number == 4 && resync.manual && resync.response == "200 OK" && resync.reason == "resync: accepted", "\(resync)")
            try await expectThrows(StorageError.self) {
                try await store.recordSyncAttempt(
                    entryID: 999_999,
                    SyncAttempt(
                        status: .ok, reason: "", endpointID: nil, response: "",
                        nextRetryAt: nil, manual: true), now: t0)
            }
        },
        ConformanceCheck("only Sent entries can be confirmed") { open in
            let store = try await open()
            let ids = try await store.insertSyncEntries([entry("F1", status: .sent), entry("F2", status: .ok)], origin: origin, now: t0)
            try expectEqual(try await store.confirmSync(ids: ids + [999_999], reason: "ack file seen", now: t0 + 5), [ids[0]])
            try expectEqual(try await store.syncEntry(id: ids[0])?.status, .ok)
            try expectEqual(try await store.syncTransitions(entryID: ids[0]).last, SyncTransition(at: t0 + 5, from: .sent, to: .ok, reason: "ack file seen"))
            try expect(try await store.confirmSync(ids: [ids[0]], reason: "again", now: t0 + 6).isEmpty)
        },
        ConformanceCheck("filters, search, counts, keyset pages and streaming agree") { open in
            let store = try await open()
            var entries: [NewSyncEntry] = []
            for n in 0..<30 {
                let status: SyncStatus = [.ok, .failed, .pending][n % 3]
                entries.append(
                    entry(
                        "DEMOTEST-\(n)-\(n % 2 == 0 ? "YELLOW" : "BLUE")", system: n % 2 == 0 ? "Shopify" : "ERP",
                        status: status, at: t0 + Double(n)))
            }
            entries.append(entry("OLD-1", at: t0 - 10 * 86400))
            entries.append(entry("50%_off", at: t0 + 40))
            let ids = try await store.insertSyncEntries(entries, origin: origin, now: t0)
            let window = SyncQuery(since: t0 - 86400)

            try expectEqual(try await store.syncCounts(window), [.ok: 11, .failed: 10, .pending: 10, .sent: 0, .skipped: 0])
            var failedShopify = window
            failedShopify.statuses = [.failed]
            failedShopify.systems = ["Shopify"]
            try expectEqual(
                try await store.syncEntries(failedShopify).entries.map(\.reference),
                ["DEMOTEST-28-YELLOW", "DEMOTEST-22-YELLOW", "DEMOTEST-16-YELLOW", "DEMOTEST-10-YELLOW", "DEMOTEST-4-YELLOW"])
            try expectEqual(
                try await store.syncCounts(failedShopify), [.ok: 5, .failed: 5, .pending: 5, .sent: 0, .skipped: 0], "counts ignore the status filter")
            var anyCase = failedShopify
            anyCase.systems = ["shopify", "erp"]
            anyCase.statuses = [.failed, .pending]
            try expectEqual(try await store.syncEntries(anyCase).entries.count, 20, "systems match whatever their case; several statuses at once")
            var byFlow = window
            byFlow.flowIDs = ["other"]
            try expect(try await store.syncEntries(byFlow).entries.isEmpty)
            try expectEqual(
                try await store.syncCounts(.entries(of: origin.runID, since: t0 - 86400)),
                [.ok: 11, .failed: 10, .pending: 10, .sent: 0, .skipped: 0], "one run's entries (OLD-1 is outside the window)")
            try expectEqual(
                try await store.syncCounts(.entries(of: RunID(rawValue: origin.runID.rawValue + 1), since: t0 - 86400)),
                [.ok: 0, .failed: 0, .pending: 0, .sent: 0, .skipped: 0], "another run has none")
            var search = window
            search.search = "st-1-bl"  // case-insensitive substring
            try expectEqual(try await store.syncEntries(search).entries.map(\.reference), ["DEMOTEST-1-BLUE"])
            search.search = "fy"  // two characters, matching the system too
            try expectEqual(try await store.syncEntries(search).entries.count, 15)
            search.search = "shopify"
            try expectEqual(try await store.syncEntries(search).entries.count, 15)
            search.search = String(ids[3])
            try expect(try await store.syncEntries(search).entries.map(\.id).contains(ids[3]))
            search.search = "OLD-1"
            try expect(try await store.syncEntries(search).entries.isEmpty, "outside the window")
            search.search = "shop"  // part of a system's name: every Shopify entry
            try expectEqual(try await store.syncEntries(search).entries.count, 15)
            search.search = "0%_"  // LIKE wildcards are matched literally
            try expectEqual(try await store.syncEntries(search).entries.map(\.reference), ["50%_off"])
            var windowed = window
            windowed.until = t0 + 4
            try expectEqual(try await store.syncEntries(windowed).entries.count, 5)

            // A search paged 4 at a time gives the same entries, in the same order, as one page of all
            // (SQLite fills small pages by walking the newest rows, large ones through its trigram index).
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
                try expect(seen == expected && !expected.isEmpty, "search \(term): \(seen) vs \(expected)")
            }

            // Keyset pages in every sort order give every entry once, in order; streaming gives the same.
            for sort in SyncSortColumn.allCases {
                for descending in [false, true] {
                    var query = window
                    query.sort = sort
                    query.descending = descending
                    query.limit = 7
                    var seen: [SyncEntryID] = []
                    repeat {
                        let page = try await store.syncEntries(query)
                        seen += page.entries.map(\.id)
                        query.after = page.next.flatMap { SyncCursor(token: $0.token) }
                    } while query.after != nil
                    try expect(Set(seen).count == 31 && seen.count == 31, "sort \(sort) desc \(descending): \(seen.count)")
                    var all = window
                    all.sort = sort
                    all.descending = descending
                    all.limit = 100
                    try expectEqual(try await store.syncEntries(all).entries.map(\.id), seen, "sort \(sort) desc \(descending)")
                    let streamed = LockedIDs()
                    try await store.streamSyncEntries(all, batchSize: 4) { batch in
                        try expect(batch.count <= 4)
                        streamed.append(batch.map(\.id))
                    }
                    try expectEqual(streamed.ids, seen, "streamed, sort \(sort) desc \(descending)")
                }
            }
        },
    ]
}

/// Ids collected by a streaming callback.
final class LockedIDs: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [SyncEntryID] = []
    func append(_ ids: [SyncEntryID]) { lock.withLock { collected += ids } }
    var ids: [SyncEntryID] { lock.withLock { collected } }
}
