import Foundation
import Testing
import SkeinCore
import SkeinJSON
import SkeinStorage
import SkeinStorageSQLite

/// A fresh database file in a temporary directory, removed afterwards.
func withStore(_ body: (SQLiteStore, String) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skein-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("skein.sqlite").path
    try await body(try SQLiteStore(path: path), path)
}

let flowText = """
    id: orders
    shapes:
      - id: each
        split: { path: orders }
      - id: paid
        filter: { where: [ { field: status, equals: paid } ] }
    """

@Suite struct SQLiteStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    @Test func deploysNewVersionsOnlyWhenTheTextChanges() async throws {
        try await withStore { store, _ in
            let flow = try FlowFile.decode(flowText)
            let first = try await store.deploy(flow, source: flowText, now: t0)
            let again = try await store.deploy(flow, source: flowText, now: t0)
            let changed = try await store.deploy(flow, source: flowText + "\n# tweak\n", now: t0)
            #expect((first.flow.version, first.isNew) == (1, true))
            #expect((again.flow.version, again.isNew) == (1, false))
            #expect((changed.flow.version, changed.isNew) == (2, true))
            #expect(try await store.flow(id: "orders", version: nil)?.version == 2)
            #expect(try await store.flow(id: "orders", version: 1)?.source == flowText)
            #expect(try await store.versions(of: "orders").map(\.version) == [2, 1])
            try await store.setEnabled(flowID: "orders", enabled: false)
            #expect(try await store.flow(id: "orders", version: nil)?.enabled == false)
            await #expect(throws: StorageError.self) { try await store.setEnabled(flowID: "nope", enabled: true) }
        }
    }

    @Test func storesPayloadsByteForByteCompressed() async throws {
        try await withStore { store, _ in
            let csv = Array(String(repeating: "SKU-1;12;\"red, large\"\r\n", count: 5000).utf8)
            let json = Payload(json: ["orders": .array((0..<500).map { ["id": .number(Double($0)), "status": "paid"] })])
            let run = try await store.enqueue(NewRun(flowID: "orders", flowVersion: 1, trigger: .api,
                                                     input: [Payload(bytes: csv, contentType: "text/csv"), json]), now: t0)
            let infos = try await store.payloadInfos(runID: run.id, sequence: 0)
            #expect(infos.map(\.contentType) == ["text/csv", "application/json"])
            #expect(infos[0].size == csv.count)
            #expect(infos[0].storedSize < csv.count / 10, "repetitive CSV should compress well")
            #expect(try await store.payload(runID: run.id, sequence: 0, index: 0)?.bytes() == csv)
            #expect(try await store.payload(runID: run.id, sequence: 0, index: 1)?.json() == json.json())
        }
    }

    @Test func claimsByPriorityThenAgeAndResumesExpiredLeases() async throws {
        try await withStore { store, _ in
            let low = try await store.enqueue(NewRun(flowID: "f", flowVersion: 1, trigger: .api, priority: 5), now: t0)
            let high = try await store.enqueue(NewRun(flowID: "f", flowVersion: 1, trigger: .api, priority: 1), now: t0)
            let normal = try await store.enqueue(NewRun(flowID: "f", flowVersion: 1, trigger: .api, priority: 3), now: t0)
            let claimed = try await store.claimRuns(owner: "w1", limit: 2, leaseUntil: t0 + 15, now: t0)
            #expect(claimed.map(\.id) == [high.id, normal.id])
            #expect(claimed.allSatisfy { $0.status == .started && $0.leaseOwner == "w1" })
            // Another worker sees only the low-priority run while the leases hold...
            #expect(try await store.claimRuns(owner: "w2", limit: 5, leaseUntil: t0 + 100, now: t0 + 5).map(\.id) == [low.id])
            // ...w1 renews one lease and goes silent; after expiry w2 takes over the other.
            _ = try await store.renewLeases(runIDs: [high.id], owner: "w1", until: t0 + 60)
            let takeover = try await store.claimRuns(owner: "w2", limit: 5, leaseUntil: t0 + 50, now: t0 + 30)
            #expect(takeover.map(\.id) == [normal.id])
            #expect(takeover[0].claims == 2)
            // w1 has lost that run: renewing tells it so.
            let renewal = try await store.renewLeases(runIDs: [high.id, normal.id], owner: "w1", until: t0 + 90)
            #expect(renewal.held == [high.id])
        }
    }

    @Test func recordsStepsWithTheirOutputsAndStopRequests() async throws {
        try await withStore { store, _ in
            let run = try await store.startClaimed(NewRun(flowID: "f", flowVersion: 1, trigger: .manual), owner: "cli", leaseUntil: t0 + 30, now: t0)
            try await store.beginStep(runID: run.id, sequence: 1, shapeID: "each", shapeType: "split", inputCount: 1, inputBytes: 10, now: t0)
            try await store.finishStep(runID: run.id, sequence: 1, outcome: StepOutcome(
                status: .success, attempts: 2, outputs: [Payload(json: ["id": 1]), Payload(json: ["id": 2])],
                warnings: ["slow"], calls: [["method": "GET", "status": 200]]), now: t0 + 1.5)
            let steps = try await store.steps(runID: run.id)
            #expect(steps.count == 1)
            #expect(steps[0].status == .success)
            #expect(steps[0].attempts == 2)
            #expect(steps[0].outputCount == 2)
            #expect(steps[0].warnings == ["slow"])
            #expect(steps[0].calls == [["method": "GET", "status": 200]])
            #expect(steps[0].duration == .milliseconds(1500))
            #expect(try await store.run(id: run.id)?.hasWarnings == true)
            #expect(try await store.requestStop(runID: run.id, now: t0 + 2))
            #expect(try await store.renewLeases(runIDs: [run.id], owner: "cli", until: t0 + 60).stopRequested == [run.id])
            try await store.finishRun(runID: run.id, status: .stopped, error: "stopped", failedShapeID: nil, now: t0 + 3)
            #expect(try await store.requestStop(runID: run.id, now: t0 + 4) == false)
        }
    }

    @Test func listsRunsNewestFirstWithFiltersAndKeysetPages() async throws {
        try await withStore { store, _ in
            var ids: [Int64] = []
            for index in 0..<7 {
                let run = try await store.enqueue(NewRun(flowID: index % 2 == 0 ? "a" : "b", flowVersion: 1, trigger: .webhook), now: t0 + Double(index))
                ids.append(run.id)
                if index % 3 == 0 { try await store.finishRun(runID: run.id, status: .failure, error: "x", failedShapeID: nil, now: t0) }
            }
            let failures = try await store.runs(RunQuery(statuses: [.failure]))
            #expect(failures.map(\.id) == [ids[6], ids[3], ids[0]])
            let firstPage = try await store.runs(RunQuery(limit: 3))
            let secondPage = try await store.runs(RunQuery(before: firstPage.last?.id, limit: 3))
            #expect(firstPage.map(\.id) + secondPage.map(\.id) == Array(ids.reversed().prefix(6)))
            #expect(try await store.runs(RunQuery(flowID: "b")).count == 3)
            #expect(try await store.runs(RunQuery(since: t0 + 5)).count == 2)
        }
    }

    @Test func listsRunsByTriggerWarningsOriginAndTimeWindow() async throws {
        try await withStore { store, _ in
            let failed = try await store.enqueue(NewRun(flowID: "a", flowVersion: 1, trigger: .schedule), now: t0)
            let warned = try await store.startClaimed(NewRun(flowID: "a", flowVersion: 1, trigger: .manual), owner: "w", leaseUntil: t0 + 99, now: t0 + 86400)
            try await store.beginStep(runID: warned.id, sequence: 1, shapeID: "s", shapeType: "split", inputCount: 0, inputBytes: 0, now: t0 + 86400)
            try await store.finishStep(runID: warned.id, sequence: 1, outcome: StepOutcome(status: .success, attempts: 1, warnings: ["careful"]),
                                       now: t0 + 86400)
            let replay = try await store.enqueue(NewRun(flowID: "a", flowVersion: 2, trigger: .replay, originRunID: failed.id), now: t0 + 2 * 86400)
            let retry = try await store.enqueue(NewRun(flowID: "a", flowVersion: 1, trigger: .retry, originRunID: failed.id), now: t0 + 3 * 86400)
            #expect(try await store.runs(RunQuery(hasWarnings: true)).map(\.id) == [warned.id])
            #expect(try await store.runs(RunQuery(hasWarnings: false)).map(\.id) == [retry.id, replay.id, failed.id])
            #expect(try await store.runs(RunQuery(triggers: [.replay, .retry])).map(\.id) == [retry.id, replay.id])
            #expect(try await store.runs(RunQuery(originRunID: failed.id)).map(\.id) == [retry.id, replay.id])
            #expect(try await store.runs(RunQuery(originRunID: warned.id)).isEmpty)
            // A window of [day 1, day 3): the run queued at its start is in, the one at its end is not.
            #expect(try await store.runs(RunQuery(since: t0 + 86400, until: t0 + 3 * 86400)).map(\.id) == [replay.id, warned.id])
        }
    }

    @Test func claimsEachScheduleTickOnce() async throws {
        try await withStore { store, path in
            let other = try SQLiteStore(path: path)  // a second process on the same file
            #expect(try await store.claimScheduleTick(flowID: "f", tick: t0))
            #expect(try await other.claimScheduleTick(flowID: "f", tick: t0) == false)
            #expect(try await other.claimScheduleTick(flowID: "f", tick: t0 + 60))
        }
    }

    @Test func usesWALAndDurableCommits() async throws {
        try await withStore { _, path in
            let check = Process()
            check.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            check.arguments = [path, "PRAGMA journal_mode;"]
            let pipe = Pipe()
            check.standardOutput = pipe
            try check.run()
            check.waitUntilExit()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "wal")
        }
    }
}
