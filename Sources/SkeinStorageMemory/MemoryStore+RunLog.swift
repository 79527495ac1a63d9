import Foundation
import SkeinCore
import SkeinJSON
import SkeinStorage

/// The run log: steps written as they run, read back with their payloads, counts and variables.
extension MemoryStore: RunLogWriter {
    public func beginStep(_ step: StepID, shapeID: String, shapeType: String, inputCount: Int, inputBytes: Int, now: Date) async throws {
        try await commitRunLog([.beginStep(step, shapeID: shapeID, shapeType: shapeType, inputCount: inputCount, inputBytes: inputBytes, now: now)])
    }

    public func finishStep(_ step: StepID, outcome: StepOutcome, now: Date) async throws {
        try await commitRunLog([.finishStep(step, outcome: outcome, now: now)])
    }

    public func finishRun(runID: RunID, status: RunStatus, error: String?, failedShapeID: String?, now: Date) async throws {
        try await commitRunLog([.finishRun(runID, status: status, error: error, failedShapeID: failedShapeID, now: now)])
    }

    public func recordTraceParent(runID: RunID, traceParent: String) async throws {
        try await commitRunLog([.traceParent(runID, traceParent)])
    }

    /// All or none, as a transaction: every write is checked against the state (and the steps
    /// the batch begins before it) first, and only then are they applied.
    public func commitRunLog(_ writes: [RunLogWrite]) async throws {
        try transaction { state in
            var begun: Set<StepID> = []
            for write in writes {
                switch write {
                case .beginStep(let step, _, _, _, _, _):
                    guard state.runs.runs[step.run] != nil else { throw StorageError(.notFound, "run \(step.run) is not stored") }
                    begun.insert(step)
                case .finishStep(let step, _, _):
                    guard begun.contains(step) || state.runs.steps[step.run]?[step.sequence] != nil else {
                        throw StorageError(.notFound, "step \(step.sequence) of run \(step.run) was never started")
                    }
                    guard state.runs.runs[step.run] != nil else { throw StorageError(.notFound, "run \(step.run) is not stored") }
                case .finishRun, .traceParent:
                    continue
                }
            }
            for write in writes { try Self.apply(write, to: &state) }
        }
    }

    private static func apply(_ write: RunLogWrite, to state: inout MemoryState) throws {
        switch write {
        case .beginStep(let step, let shapeID, let shapeType, let inputCount, let inputBytes, let now):
            guard state.runs.runs[step.run] != nil else { throw StorageError(.notFound, "run \(step.run) is not stored") }
            state.runs.payloads[step.run]?[step.sequence] = nil
            state.runs.steps[step.run, default: [:]][step.sequence] = StepRecord(
                runID: step.run, sequence: step.sequence, shapeID: shapeID, shapeType: shapeType, status: .running, startedAt: storedTime(now),
                finishedAt: nil, attempts: 1, inputCount: inputCount, inputBytes: inputBytes, outputCount: 0, outputBytes: 0, error: nil,
                errorDetails: nil, warnings: [], calls: [])

        case .finishStep(let step, let outcome, let now):
            let outputs = outcome.outputs.map(StoredPayload.init)
            let syncPayloads = outcome.syncEntries.map { StoredPayload($0.item.payload) }
            guard var record = state.runs.steps[step.run]?[step.sequence] else {
                throw StorageError(.notFound, "step \(step.sequence) of run \(step.run) was never started")
            }
            guard var run = state.runs.runs[step.run] else { throw StorageError(.notFound, "run \(step.run) is not stored") }
            record.status = outcome.status
            record.finishedAt = storedTime(now)
            record.attempts = outcome.attempts
            record.outputCount = outputs.count
            record.outputBytes = outputs.reduce(0) { $0 + $1.encoded.size }
            record.error = outcome.error
            record.errorDetails = outcome.errorDetails
            record.warnings = outcome.warnings
            record.calls = outcome.calls
            record.path = outcome.path
            record.details = outcome.details
            state.runs.steps[step.run]![step.sequence] = record
            // Outputs replace the step's payloads index by index (a step finished again keeps any beyond them).
            for (index, output) in outputs.enumerated() { state.runs.payloads[step.run, default: [:]][step.sequence, default: [:]][index] = output }
            if !outcome.syncEntries.isEmpty {
                // With the step: a step recorded as done always has its sync entries.
                let origin = SyncOrigin(flowID: run.flowID, flowVersion: run.flowVersion, runID: step.run, shapeID: record.shapeID)
                _ = state.sync.insert(outcome.syncEntries, payloads: syncPayloads, origin: origin, now: now)
            }
            if !outcome.warnings.isEmpty {
                run.hasWarnings = true
                state.runs.runs[step.run] = run
            }
            if let variables = outcome.variables { state.runs.variables[step.run, default: [:]][step.sequence] = variables }

        case .finishRun(let runID, let status, let error, let failedShapeID, let now):
            guard var run = state.runs.runs[runID] else { return }
            run.status = status
            run.finishedAt = storedTime(now)
            run.error = error
            run.failedShapeID = failedShapeID
            run.leaseOwner = nil
            run.leaseExpiresAt = nil
            state.runs.runs[runID] = run

        case .traceParent(let runID, let traceParent):
            guard state.runs.runs[runID]?.traceParent == nil else { return }
            state.runs.runs[runID]?.traceParent = traceParent
        }
    }
}

extension MemoryStore: RunLogReader {
    public func run(id: RunID) async throws -> RunRecord? {
        try transaction { state in state.runs.runs[id] }
    }

    public func runs(_ query: RunQuery) async throws -> [RunRecord] {
        try transaction { state in
            let since = query.since?.timeIntervalSince1970
            let until = query.until?.timeIntervalSince1970
            let matching = state.runs.runs.values.filter { run in
                let queued = run.queuedAt.timeIntervalSince1970
                return (query.flowID.map { run.flowID == $0 } ?? true)
                    && (query.statuses.isEmpty || query.statuses.contains(run.status))
                    && (query.triggers.isEmpty || query.triggers.contains(run.trigger))
                    && (since.map { queued >= $0 } ?? true)
                    && (until.map { queued < $0 } ?? true)
                    && (query.hasWarnings.map { run.hasWarnings == $0 } ?? true)
                    && (query.originRunID.map { run.originRunID == $0 } ?? true)
                    && (!query.unrecovered || !state.runs.runs.values.contains { $0.originRunID == run.id && $0.status == .success })
                    && (query.before.map { run.id < $0 } ?? true)
            }
            return Array(matching.sorted { $0.id > $1.id }.prefix(max(1, min(query.limit, 1000))))
        }
    }

    public func recoveries(of runIDs: [RunID]) async throws -> [RunID: RunID] {
        try transaction { state in
            let wanted = Set(runIDs)
            var found: [RunID: RunID] = [:]
            for run in state.runs.runs.values where run.status == .success {
                guard let origin = run.originRunID, wanted.contains(origin) else { continue }
                found[origin] = min(found[origin] ?? run.id, run.id)
            }
            return found
        }
    }

    public func steps(runID: RunID) async throws -> [StepRecord] {
        try transaction { state in (state.runs.steps[runID] ?? [:]).values.sorted { $0.sequence < $1.sequence } }
    }

    public func payloadInfos(of step: StepID) async throws -> [PayloadInfo] {
        try transaction { state in
            state.runs.storedPayloads(step).map { index, stored in
                PayloadInfo(
                    runID: step.run, sequence: step.sequence, index: index, contentType: stored.contentType, size: stored.encoded.size,
                    storedSize: stored.encoded.data.count)
            }
        }
    }

    public func payload(of step: StepID, index: Int) async throws -> Payload? {
        try transaction { state in state.runs.payloads[step.run]?[step.sequence]?[index] }?.payload()
    }

    public func payloads(of step: StepID) async throws -> [Payload] {
        try transaction { state in state.runs.storedPayloads(step).map(\.payload) }.map { try $0.payload() }
    }
}

extension MemoryStore: RunCountStore {
    public func runCounts(since: Date) async throws -> [RunStatus: Int] {
        try transaction { state in
            var counts: [RunStatus: Int] = [:]
            for run in state.runs.runs.values where run.queuedAt.timeIntervalSince1970 >= since.timeIntervalSince1970 {
                counts[run.status, default: 0] += 1
            }
            return counts
        }
    }

    public func warnedSuccesses(since: Date) async throws -> Int {
        try transaction { state in
            state.runs.runs.values.filter { $0.queuedAt.timeIntervalSince1970 >= since.timeIntervalSince1970 && $0.status == .success && $0.hasWarnings }.count
        }
    }

    public func queuedRuns() async throws -> [QueuedRuns] {
        try transaction { state in
            Dictionary(grouping: state.runs.runs.values.filter { $0.status == .queued }, by: \.flowID)
                .map { flow, runs in QueuedRuns(flowID: flow, count: runs.count, oldestQueuedAt: runs.map(\.queuedAt).min()!) }
                .sorted { $0.flowID < $1.flowID }
        }
    }
}

extension MemoryStore: RunVariableStore {
    public func runVariables(runID: RunID, throughSequence sequence: Int) async throws -> [String: JSON]? {
        try transaction { state in
            guard let latest = state.runs.variables[runID]?.keys.filter({ $0 <= sequence }).max() else { return nil }
            return state.runs.variables[runID]?[latest]
        }
    }
}

extension MemoryStore: RunBulkImport {
    public func importRuns(_ runs: [ImportedRun]) async throws -> Int {
        try transaction { state in
            for imported in runs {
                let id = RunID(state.runs.nextID)
                state.runs.nextID += 1
                let queued = storedTime(imported.queuedAt)
                state.runs.runs[id] = RunRecord(
                    id: id, flowID: imported.flowID, flowVersion: imported.flowVersion, status: imported.status, trigger: imported.trigger,
                    priority: 3, entryShapeID: nil, originRunID: nil, queuedAt: queued, startedAt: queued,
                    finishedAt: storedTime(imported.finishedAt), error: imported.error, failedShapeID: imported.failedShapeID, hasWarnings: false,
                    stopRequested: false, leaseOwner: nil, leaseExpiresAt: nil, claims: 1, inputCount: 1)
                for (index, step) in imported.steps.enumerated() {
                    state.runs.steps[id, default: [:]][index + 1] = StepRecord(
                        runID: id, sequence: index + 1, shapeID: step.shapeID, shapeType: step.shapeType, status: step.status, startedAt: queued,
                        finishedAt: storedTime(imported.finishedAt), attempts: 1, inputCount: step.inputCount, inputBytes: 0,
                        outputCount: step.outputCount, outputBytes: 0, error: step.error, errorDetails: nil, warnings: [], calls: [])
                }
            }
            return runs.count
        }
    }
}
