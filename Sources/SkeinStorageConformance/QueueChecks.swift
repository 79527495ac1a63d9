import Foundation
import SkeinCore
import SkeinStorage

/// The run queue: priorities, leases, takeover of expired leases, per-flow concurrency limits
/// and concurrent claimers.
enum QueueChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("claims by priority then age and resumes expired leases") { open in
            let store = try await open()
            let low = try await store.enqueue(NewRun(flowID: "f", flowVersion: 1, trigger: .api, priority: 5), now: t0)
            let high = try await store.enqueue(NewRun(flowID: "f", flowVersion: 1, trigger: .api, priority: 1), now: t0)
            let normal = try await store.enqueue(NewRun(flowID: "f", flowVersion: 1, trigger: .api, priority: 3), now: t0)
            let claimed = try await store.claimRuns(owner: "w1", limit: 2, leaseUntil: t0 + 15, now: t0)
            try expectEqual(claimed.map(\.id), [high.id, normal.id])
            try expect(claimed.allSatisfy { $0.status == .started && $0.leaseOwner == "w1" && $0.leaseExpiresAt == t0 + 15 && $0.claims == 1 })
            // Another worker sees only the low-priority run while the leases hold...
            try expectEqual(try await store.claimRuns(owner: "w2", limit: 5, leaseUntil: t0 + 100, now: t0 + 5).map(\.id), [low.id])
            // ...w1 renews one lease and goes silent; after expiry w2 takes over the other.
            _ = try await store.renewLeases(runIDs: [high.id], owner: "w1", until: t0 + 60)
            let takeover = try await store.claimRuns(owner: "w2", limit: 5, leaseUntil: t0 + 50, now: t0 + 30)
            try expectEqual(takeover.map(\.id), [normal.id])
            try expectEqual(takeover[0].claims, 2)
            try expectEqual(takeover[0].startedAt, t0, "a resumed run keeps its first start time")
            // w1 has lost that run: renewing tells it so.
            let renewal = try await store.renewLeases(runIDs: [high.id, normal.id], owner: "w1", until: t0 + 90)
            try expectEqual(renewal.held, [high.id])
            try expect(try await store.claimRuns(owner: "w3", limit: 5, leaseUntil: t0 + 100, now: t0 + 31).isEmpty)
        },
        ConformanceCheck("a restarted worker's released leases are claimable at once, nobody else's") { open in
            let store = try await open()
            let mine = try await store.enqueue(NewRun(flowID: "f", flowVersion: 1, trigger: .api), now: t0)
            let theirs = try await store.enqueue(NewRun(flowID: "f", flowVersion: 1, trigger: .api), now: t0)
            let finished = try await store.enqueue(NewRun(flowID: "f", flowVersion: 1, trigger: .api), now: t0)
            _ = try await store.claimRuns(owner: "slot-0", limit: 1, leaseUntil: t0 + 600, now: t0)
            _ = try await store.claimRuns(owner: "slot-1", limit: 1, leaseUntil: t0 + 600, now: t0)
            _ = try await store.claimRuns(owner: "slot-0", limit: 1, leaseUntil: t0 + 600, now: t0)
            try await store.finishRun(runID: finished.id, status: .success, error: nil, failedShapeID: nil, now: t0 + 2)
            // slot-0 comes back after a crash, long before its leases would expire.
            try expectEqual(try await store.releaseLeases(owner: "slot-0", now: t0 + 10), [mine.id], "only its unfinished run")
            let resumed = try await store.claimRuns(owner: "slot-0", limit: 5, leaseUntil: t0 + 700, now: t0 + 10)
            try expectEqual(resumed.map(\.id), [mine.id], "resumed at once; slot-1's lease still holds")
            try expectEqual(resumed.first?.claims, 2)
            try expectEqual(try await store.renewLeases(runIDs: [theirs.id], owner: "slot-1", until: t0 + 900).held, [theirs.id])
            try expectEqual(try await store.releaseLeases(owner: "nobody", now: t0 + 11), [])
        },
        ConformanceCheck("five priority levels, first in first out within a level") { open in
            let store = try await open()
            var expected: [RunID] = []
            var byPriority: [Int: [RunID]] = [:]
            for index in 0..<15 {
                let priority = 5 - index % 5
                let run = try await store.enqueue(
                    NewRun(flowID: "f\(index % 2)", flowVersion: 1, trigger: .webhook, priority: priority),
                    now: t0 + Double(index))
                byPriority[priority, default: []].append(run.id)
            }
            for priority in 1...5 { expected += byPriority[priority] ?? [] }
            var seen: [RunID] = []
            while true {
                let batch = try await store.claimRuns(owner: "w", limit: 4, leaseUntil: t0 + 100, now: t0 + 20)
                if batch.isEmpty { break }
                seen += batch.map(\.id)
            }
            try expectEqual(seen, expected)
        },
        ConformanceCheck("a flow's max_concurrent_runs caps its started runs across workers") { open in
            let store = try await open()
            let limited = try FlowFile.decode("id: limited\nmax_concurrent_runs: 2\nshapes:\n  - id: each\n    split: { path: orders }\n")
            try expectEqual(limited.maxConcurrentRuns, 2)
            _ = try await store.deploy(limited, source: "limited v1", now: t0)
            var limitedRuns: [RunID] = []
            for index in 0..<5 {
                limitedRuns.append(try await store.enqueue(NewRun(flowID: "limited", flowVersion: 1, trigger: .api, priority: 1), now: t0 + Double(index)).id)
            }
            let free = try await store.enqueue(NewRun(flowID: "free", flowVersion: 1, trigger: .api, priority: 5), now: t0)
            let first = try await store.claimRuns(owner: "w1", limit: 10, leaseUntil: t0 + 100, now: t0 + 10)
            try expectEqual(first.map(\.id), [limitedRuns[0], limitedRuns[1], free.id], "two of the limited flow, then other flows' runs")
            let other = try await open()
            try expect(try await other.claimRuns(owner: "w2", limit: 10, leaseUntil: t0 + 100, now: t0 + 11).isEmpty, "the flow is at its limit")
            try await store.finishRun(runID: limitedRuns[0], status: .success, error: nil, failedShapeID: nil, now: t0 + 12)
            try expectEqual(try await other.claimRuns(owner: "w2", limit: 10, leaseUntil: t0 + 100, now: t0 + 13).map(\.id), [limitedRuns[2]])
            // A run whose worker died still counts; it is resumed, not replaced by a new one.
            let resumed = try await other.claimRuns(owner: "w3", limit: 10, leaseUntil: t0 + 300, now: t0 + 150)
            try expectEqual(Set(resumed.map(\.id)), Set([limitedRuns[1], limitedRuns[2], free.id]))
            // Raising the limit in a new version lets more run at once.
            let raised = try FlowFile.decode("id: limited\nmax_concurrent_runs: 3\nshapes:\n  - id: each\n    split: { path: orders }\n")
            _ = try await store.deploy(raised, source: "limited v2", now: t0 + 200)
            try expectEqual(try await store.claimRuns(owner: "w1", limit: 10, leaseUntil: t0 + 300, now: t0 + 201).map(\.id), [limitedRuns[3]])
        },
        ConformanceCheck("concurrent claimers never take the same run") { open in
            let store = try await open()
            for index in 0..<60 {
                _ = try await store.enqueue(NewRun(flowID: "f\(index % 3)", flowVersion: 1, trigger: .webhook, priority: 1 + index % 5), now: t0)
            }
            let handles = [store, try await open(), try await open()]
            let claims = try await withThrowingTaskGroup(of: [RunID].self) { group in
                for worker in 0..<6 {
                    group.addTask {
                        var mine: [RunID] = []
                        while true {
                            let batch = try await handles[worker % handles.count].claimRuns(owner: "w\(worker)", limit: 3, leaseUntil: t0 + 100, now: t0 + 1)
                            if batch.isEmpty { return mine }
                            mine += batch.map(\.id)
                        }
                    }
                }
                return try await group.reduce(into: [[RunID]]()) { $0.append($1) }
            }
            let all = claims.flatMap { $0 }
            try expectEqual(all.count, 60, "every run claimed")
            try expectEqual(Set(all).count, 60, "no run claimed twice")
        },
        ConformanceCheck("reports the queue per flow: how many runs wait and the oldest's age") { open in
            let store = try await open()
            try expectEqual(try await store.queuedRuns(), [])
            let first = try await store.enqueue(NewRun(flowID: "orders", flowVersion: 1, trigger: .webhook), now: t0 + 5)
            _ = try await store.enqueue(NewRun(flowID: "orders", flowVersion: 1, trigger: .webhook), now: t0 + 9)
            _ = try await store.enqueue(NewRun(flowID: "stock", flowVersion: 1, trigger: .schedule), now: t0 + 7)
            _ = try await store.enqueue(NewRun(flowID: "orders", flowVersion: 1, trigger: .api, priority: 1), now: t0 + 2)
            try expectEqual(
                try await store.queuedRuns(),
                [
                    QueuedRuns(flowID: "orders", count: 3, oldestQueuedAt: t0 + 2),
                    QueuedRuns(flowID: "stock", count: 1, oldestQueuedAt: t0 + 7),
                ])
            // Claimed, finished and stopped runs are no longer queued.
            let claimed = try await store.claimRuns(owner: "w", limit: 1, leaseUntil: t0 + 100, now: t0 + 10)
            try expect(try await store.requestStop(runID: first.id, now: t0 + 11))
            try expectEqual(claimed.map(\.flowID), ["orders"])
            try expectEqual(
                try await store.queuedRuns(),
                [
                    QueuedRuns(flowID: "orders", count: 1, oldestQueuedAt: t0 + 9),
                    QueuedRuns(flowID: "stock", count: 1, oldestQueuedAt: t0 + 7),
                ])
        },
        ConformanceCheck("keeps a run's first trace parent, which a resuming claim returns") { open in
            let store = try await open()
            let run = try await store.enqueue(NewRun(flowID: "f", flowVersion: 1, trigger: .api), now: t0)
            try expectEqual(run.traceParent, nil)
            let first = try unwrap(try await store.claimRuns(owner: "w1", limit: 1, leaseUntil: t0 + 15, now: t0).first)
            try expectEqual(first.traceParent, nil)
            let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            try await store.recordTraceParent(runID: run.id, traceParent: parent)
            try await store.recordTraceParent(runID: run.id, traceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            let read = try unwrap(try await store.run(id: run.id))
            try expectEqual(read.traceParent, parent, "the first pick-up's trace stays")
            try expectEqual(read.traceID, "4bf92f3577b34da6a3ce929d0e0e4736")
            try expectEqual(try await store.runs(RunQuery(flowID: "f")).map(\.traceParent), [parent])
            // The worker dies; the claim that resumes the run hands back its trace parent.
            let resumed = try unwrap(try await store.claimRuns(owner: "w2", limit: 1, leaseUntil: t0 + 60, now: t0 + 30).first)
            try expectEqual(resumed.id, run.id)
            try expectEqual(resumed.traceParent, parent)
        },
    ]
}
