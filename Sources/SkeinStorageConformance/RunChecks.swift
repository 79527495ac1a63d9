import Foundation
import SkeinCore
import SkeinJSON
import SkeinStorage

enum RunChecks {
    static let all: [ConformanceCheck] = [
        ConformanceCheck("stores payloads byte for byte, compressed") { open in
            let store = try await open()
            let csv = Array(String(repeating: "SKU-1;12;\"red, large\"\r\n", count: 5000).utf8)
            let json = Payload(json: ["orders": .array((0..<500).map { ["id": .number(Double($0)), "status": "paid"] })])
            let small = Payload(bytes: Array("héllo\u{0}".utf8), contentType: "text/plain")
            let run = try await store.enqueue(
                NewRun(
                    flowID: "orders", flowVersion: 1, trigger: .api,
                    input: [Payload(bytes: csv, contentType: "text/csv"), json, small]), now: t0)
            try expectEqual(run.status, .queued)
            try expectEqual(run.inputCount, 3)
            let infos = try await store.payloadInfos(of: .input(of: run.id))
            try expectEqual(infos.map(\.contentType), ["text/csv", "application/json", "text/plain"])
            try expectEqual(infos.map(\.index), [0, 1, 2])
            try expectEqual(infos[0].size, csv.count)
            try expect(infos[0].storedSize < csv.count / 10, "repetitive CSV should compress well")
            try expectEqual(try await store.payload(of: .input(of: run.id), index: 0)?.bytes(), csv)
            try expectEqual(try await store.payload(of: .input(of: run.id), index: 1)?.json(), json.json())
            try expectEqual(try await store.payload(of: .input(of: run.id), index: 2)?.bytes(), small.bytes())
            try expectEqual(try await store.payloads(of: .input(of: run.id)).count, 3)
            try expect(try await store.payload(of: .input(of: run.id), index: 3) == nil)
        },
        ConformanceCheck("records steps with their outputs and stop requests") { open in
            let store = try await open()
            let run = try await store.startClaimed(NewRun(flowID: "f", flowVersion: 1, trigger: .manual), owner: "cli", leaseUntil: t0 + 30, now: t0)
            try expect(run.status == .started && run.leaseOwner == "cli" && run.claims == 1 && run.startedAt == t0)
            try await store.beginStep(StepID(run: run.id, sequence: 1), shapeID: "each", shapeType: "split", inputCount: 1, inputBytes: 10, now: t0)
            try await store.finishStep(
                StepID(run: run.id, sequence: 1),
                outcome: StepOutcome(
                    status: .success, attempts: 2, outputs: [Payload(json: ["id": 1]), Payload(json: ["id": 2])],
                    warnings: ["slow"], calls: [["method": "GET", "status": 200]],
                    path: "by-site/uk/each", details: ["input": [["sequence": 0, "start": 0, "count": 1]]]), now: t0 + 1.5)
            try await store.beginStep(StepID(run: run.id, sequence: 2), shapeID: "send", shapeType: "http", inputCount: 2, inputBytes: 20, now: t0 + 2)
            try await store.finishStep(
                StepID(run: run.id, sequence: 2),
                outcome: StepOutcome(
                    status: .failure, attempts: 1, error: "boom", errorDetails: ["status": 500]), now: t0 + 2.25)
            let steps = try await store.steps(runID: run.id)
            try expectEqual(steps.count, 2)
            try expectEqual(steps[0].status, .success)
            try expectEqual(steps[0].attempts, 2)
            try expectEqual(steps[0].outputCount, 2)
            try expectEqual(steps[0].inputBytes, 10)
            try expectEqual(steps[0].warnings, ["slow"])
            try expectEqual(steps[0].calls, [["method": "GET", "status": 200]])
            try expectEqual(steps[0].duration, .milliseconds(1500))
            try expectEqual(steps[0].path, "by-site/uk/each")
            try expectEqual(steps[0].details, ["input": [["sequence": 0, "start": 0, "count": 1]]])
            try expect(steps[1].path == nil && steps[1].details == nil)
            try expectEqual(steps[1].error, "boom")
            try expectEqual(steps[1].errorDetails, ["status": 500])
            try expectEqual(try await store.payloads(of: StepID(run: run.id, sequence: 1)).map { try $0.json() }, [["id": 1], ["id": 2]])
            try expectEqual(try await store.run(id: run.id)?.hasWarnings, true)
            try await expectThrows(StorageError.self) {
                try await store.finishStep(StepID(run: run.id, sequence: 9), outcome: StepOutcome(status: .success, attempts: 1), now: t0)
            }
            // A resumed run begins step 1 again: the old record and outputs are replaced.
            try await store.beginStep(StepID(run: run.id, sequence: 1), shapeID: "each", shapeType: "split", inputCount: 1, inputBytes: 10, now: t0 + 3)
            try expectEqual(try await store.steps(runID: run.id).first?.status, .running)
            try expect(try await store.payloads(of: StepID(run: run.id, sequence: 1)).isEmpty)

            try expect(try await store.requestStop(runID: run.id, now: t0 + 2))
            try expectEqual(try await store.renewLeases(runIDs: [run.id], owner: "cli", until: t0 + 60).stopRequested, [run.id])
            try await store.finishRun(runID: run.id, status: .stopped, error: "stopped", failedShapeID: nil, now: t0 + 3)
            let finished = try unwrap(try await store.run(id: run.id))
            try expect(finished.status == .stopped && finished.finishedAt == t0 + 3 && finished.leaseOwner == nil && finished.error == "stopped")
            try expect(try await store.requestStop(runID: run.id, now: t0 + 4) == false)
            let queued = try await store.enqueue(NewRun(flowID: "f", flowVersion: 1, trigger: .api), now: t0)
            try expect(try await store.requestStop(runID: queued.id, now: t0 + 5))
            try expectEqual(try await store.run(id: queued.id)?.status, .stopped, "a queued run stops at once")
        },
        ConformanceCheck("commits the run-log writes of several runs in one call, all or none") { open in
            let store = try await open()
            let first = try await store.startClaimed(
                NewRun(flowID: "f", flowVersion: 1, trigger: .webhook, input: [Payload(json: ["id": 1])]),
                owner: "w", leaseUntil: t0 + 30, now: t0)
            let second = try await store.startClaimed(
                NewRun(flowID: "f", flowVersion: 1, trigger: .webhook, input: [Payload(json: ["id": 2])]),
                owner: "w", leaseUntil: t0 + 30, now: t0)
            let mapped = StepOutcome(status: .success, attempts: 1, outputs: [Payload(json: ["order": 1])], warnings: ["late"])
            // One run's step begun, finished and the run ended; the other's step begun; in one transaction.
            try await store.commitRunLog([
                .beginStep(StepID(run: first.id, sequence: 1), shapeID: "map", shapeType: "map", inputCount: 1, inputBytes: 9, now: t0),
                .traceParent(second.id, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                .beginStep(StepID(run: second.id, sequence: 1), shapeID: "map", shapeType: "map", inputCount: 1, inputBytes: 9, now: t0),
                .finishStep(StepID(run: first.id, sequence: 1), outcome: mapped, now: t0 + 1),
                .finishRun(first.id, status: .success, error: nil, failedShapeID: nil, now: t0 + 1),
            ])
            let done = try unwrap(try await store.run(id: first.id))
            try expect(done.status == .success && done.finishedAt == t0 + 1 && done.leaseOwner == nil && done.hasWarnings)
            try expectEqual(try await store.steps(runID: first.id).map(\.status), [.success])
            try expectEqual(try await store.payloads(of: StepID(run: first.id, sequence: 1)).map { try $0.json() }, [["order": 1]])
            try expectEqual(try await store.steps(runID: second.id).map(\.status), [.running])
            try expectEqual(try await store.run(id: second.id)?.traceParent, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            // A write that fails (a step never begun) keeps every write of the call out, the earlier ones included.
            try await expectThrows(StorageError.self) {
                try await store.commitRunLog([
                    .finishStep(StepID(run: second.id, sequence: 1), outcome: mapped, now: t0 + 2),
                    .finishRun(second.id, status: .success, error: nil, failedShapeID: nil, now: t0 + 2),
                    .finishStep(StepID(run: second.id, sequence: 7), outcome: mapped, now: t0 + 2),
                ])
            }
            try expectEqual(try await store.steps(runID: second.id).map(\.status), [.running])
            try expect(try await store.payloads(of: StepID(run: second.id, sequence: 1)).isEmpty)
            try expectEqual(try await store.run(id: second.id)?.status, .started)
            try await store.commitRunLog([])
        },
        ConformanceCheck("lists runs newest first with filters and keyset pages") { open in
            let store = try await open()
            var ids: [RunID] = []
            for index in 0..<7 {
                let run = try await store.enqueue(NewRun(flowID: index % 2 == 0 ? "a" : "b", flowVersion: 1, trigger: .webhook), now: t0 + Double(index))
                ids.append(run.id)
                if index % 3 == 0 { try await store.finishRun(runID: run.id, status: .failure, error: "x", failedShapeID: "s", now: t0) }
            }
            let failures = try await store.runs(RunQuery(statuses: [.failure]))
            try expectEqual(failures.map(\.id), [ids[6], ids[3], ids[0]])
            try expectEqual(failures.first?.failedShapeID, "s")
            let firstPage = try await store.runs(RunQuery(limit: 3))
            let secondPage = try await store.runs(RunQuery(before: firstPage.last?.id, limit: 3))
            try expectEqual(firstPage.map(\.id) + secondPage.map(\.id), Array(ids.reversed().prefix(6)))
            try expectEqual(try await store.runs(RunQuery(flowID: "b")).count, 3)
            try expectEqual(try await store.runs(RunQuery(since: t0 + 5)).count, 2)
            try expectEqual(try await store.runs(RunQuery(statuses: [.queued, .failure])).count, 7)
        },
        ConformanceCheck("lists runs by trigger, warnings, origin and time window") { open in
            let store = try await open()
            let failed = try await store.enqueue(NewRun(flowID: "a", flowVersion: 1, trigger: .schedule), now: t0)
            let warned = try await store.startClaimed(NewRun(flowID: "a", flowVersion: 1, trigger: .manual), owner: "w", leaseUntil: t0 + 99, now: t0 + 86400)
            try await store.beginStep(StepID(run: warned.id, sequence: 1), shapeID: "s", shapeType: "split", inputCount: 0, inputBytes: 0, now: t0 + 86400)
            try await store.finishStep(
                StepID(run: warned.id, sequence: 1), outcome: StepOutcome(status: .success, attempts: 1, warnings: ["careful"]),
                now: t0 + 86400)
            let replay = try await store.enqueue(
                NewRun(flowID: "a", flowVersion: 2, trigger: .replay, entryShapeID: "s", originRunID: failed.id),
                now: t0 + 2 * 86400)
            let retry = try await store.enqueue(NewRun(flowID: "a", flowVersion: 1, trigger: .retry, originRunID: failed.id), now: t0 + 3 * 86400)
            try expectEqual(replay.entryShapeID, "s")
            try expectEqual(replay.originRunID, failed.id)
            try expectEqual(try await store.runs(RunQuery(hasWarnings: true)).map(\.id), [warned.id])
            try expectEqual(try await store.runs(RunQuery(hasWarnings: false)).map(\.id), [retry.id, replay.id, failed.id])
            try expectEqual(try await store.runs(RunQuery(triggers: [.replay, .retry])).map(\.id), [retry.id, replay.id])
            try expectEqual(try await store.runs(RunQuery(originRunID: failed.id)).map(\.id), [retry.id, replay.id])
            try expect(try await store.runs(RunQuery(originRunID: warned.id)).isEmpty)
            // A window of [day 1, day 3): the run queued at its start is in, the one at its end is not.
            try expectEqual(try await store.runs(RunQuery(since: t0 + 86400, until: t0 + 3 * 86400)).map(\.id), [replay.id, warned.id])
        },
        ConformanceCheck("pages a closed time window newest first, whatever order the runs were queued in") { open in
            let store = try await open()
            // Queue times out of id order (clocks of several processes, a bulk import): the window
            // [day 1, day 2) holds ids 2, 4, 5 and 7; ids 1, 3 and 6 fall outside it on both sides.
            let days: [Double] = [0, 1.5, 3, 1.2, 1.9, 0.5, 1.0]
            var ids: [RunID] = []
            for day in days {
                ids.append(try await store.enqueue(NewRun(flowID: "a", flowVersion: 1, trigger: .api), now: t0 + day * 86400).id)
            }
            let window = RunQuery(since: t0 + 86400, until: t0 + 2 * 86400, limit: 3)
            let first = try await store.runs(window)
            try expectEqual(first.map(\.id), [ids[6], ids[4], ids[3]])
            var next = window
            next.before = first.last?.id
            try expectEqual(try await store.runs(next).map(\.id), [ids[1]])
            next.before = ids[1]
            try expect(try await store.runs(next).isEmpty, "nothing older in the window")
            try expect(try await store.runs(RunQuery(since: t0 + 10 * 86400, until: t0 + 11 * 86400)).isEmpty, "an empty window")
            var warned = window
            warned.hasWarnings = false
            try expectEqual(try await store.runs(warned).count, 3)
        },
        ConformanceCheck("retention deletes old finished runs and payloads, never queued or started ones") { open in
            let store = try await open()
            let input = [Payload(json: ["a": 1]), Payload(json: ["b": 2])]
            let old = try await store.enqueue(NewRun(flowID: "f", flowVersion: 1, trigger: .api, input: input), now: t0)
            try await store.finishRun(runID: old.id, status: .success, error: nil, failedShapeID: nil, now: t0 + 1)
            let oldQueued = try await store.enqueue(NewRun(flowID: "f", flowVersion: 1, trigger: .api, input: input), now: t0)
            let recent = try await store.enqueue(NewRun(flowID: "f", flowVersion: 1, trigger: .api, input: input), now: t0 + 1000)
            try await store.finishRun(runID: recent.id, status: .success, error: nil, failedShapeID: nil, now: t0 + 1001)
            try expectEqual(try await store.prunePayloads(olderThan: t0 + 500, limit: 100), 2)
            let expired = try unwrap(try await store.run(id: old.id))
            try expect(expired.payloadsExpired, "the run's log says its payloads went")
            try expect(try await store.payloads(of: .input(of: old.id)).isEmpty)
            try expectEqual(try await store.payloads(of: .input(of: oldQueued.id)).count, 2, "a queued run keeps its input")
            try expectEqual(try await store.payloads(of: .input(of: recent.id)).count, 2)
            try expectEqual(try await store.pruneRuns(olderThan: t0 + 500, limit: 100), 1)
            try expect(try await store.run(id: old.id) == nil)
            try expect(try await store.run(id: oldQueued.id) != nil)
            try expect(try await store.run(id: recent.id) != nil)
        },
    ]
}
