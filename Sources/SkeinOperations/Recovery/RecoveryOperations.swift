import Foundation
public import SkeinCore
public import SkeinEngine
import SkeinJSON
import SkeinStorage

/// Re-running work: replay a stored payload of any step, retry a failed run from its failed
/// step (or from the start), retry every failed run of a filter, and preview what a mass
/// retry would do. Each new run is linked to the run it came from and recorded in the audit log.
public struct RecoveryOperations: Sendable {
    let store: any FlowReader & RunLogReader & RunIntake
    let runs: RunOperations
    let audit: AuditTrail
    let now: @Sendable () -> Date

    /// Which flow version a new run runs.
    public enum Version: String, Sendable, CaseIterable {
        /// The version the original run ran (the default).
        case ran
        /// The latest deployed version (a corrected flow deployed since): `--current` in the CLI.
        case latest

        /// From `version` (`ran`/`latest`) or the older `current` flag (true = latest).
        public static func parse(_ parameters: Inputs) throws(OperationError) -> Version {
            if let text = try parameters.choice("version", allCases.map(\.rawValue)) { return Version(rawValue: text)! }
            return try parameters.bool("current") == true ? .latest : .ran
        }
    }

    /// What to replay: the payloads a step of a run produced (or the run's input), all or one
    /// (`index`), optionally narrowed to items of an array payload (`item` or a JSONata `where`).
    public struct Replay: Sendable {
        public var run: RunID
        /// A shape id, a step number, or `input`.
        public var step: String
        public var index: Int?
        public var item: Int?
        public var condition: String?
        public var entry: RunRecovery.Entry
        public var version: Version

        public init(
            run: RunID, step: String, index: Int? = nil, item: Int? = nil, condition: String? = nil,
            entry: RunRecovery.Entry = .next, version: Version = .ran
        ) {
            self.run = run; self.step = step; self.index = index; self.item = item; self.condition = condition
            self.entry = entry; self.version = version
        }

        /// From `step` (required), `index`, `item`, `where`, `at` (`next`/`same`) and `version`
        /// (or `current`): the names of the API's body, the CLI's options and the MCP tool's arguments.
        public static func parse(run: RunID, _ parameters: Inputs) throws(OperationError) -> Replay {
            guard let step = parameters.string("step") else { throw .invalid("step", "step is required (a shape id, a step number or 'input')") }
            let index = try parameters.int("index", in: 0...Int(Int32.max))
            let item = try parameters.int("item", in: 0...Int(Int32.max))
            let condition = parameters.string("where")
            if item != nil && condition != nil { throw .invalid("where", "give item or where, not both") }
            let at = try parameters.choice("at", RunRecovery.Entry.allCases.map(\.rawValue)) ?? "next"
            return Replay(
                run: run, step: step, index: index, item: item, condition: condition,
                entry: RunRecovery.Entry(rawValue: at)!, version: try Version.parse(parameters))
        }
    }

    /// Plans and starts a replay (operator). Returns the new run as the launcher left it.
    public func replay(_ caller: Identity?, _ request: Replay, launcher: any RunLauncher) async throws -> RunRecord {
        let caller = try Permission.operate.require(caller)
        let (origin, plan) = try await replayPlan(request)
        return try await start(plan, caller, "run.replay", origin: origin.id, details: ["step": .string(request.step)], launcher: launcher)
    }

    /// The run a replay would start, planned from the stored payloads but not started: what the
    /// MCP tool shows before it is given `confirm`. Operator, like the replay itself.
    public func previewReplay(_ caller: Identity?, _ request: Replay) async throws -> NewRun {
        try Permission.operate.require(caller)
        return try await replayPlan(request).plan
    }

    func replayPlan(_ request: Replay) async throws -> (origin: RunRecord, plan: NewRun) {
        let origin = try await runs.record(request.run)
        let sequence = try await runs.sequence(of: request.step, in: origin)
        var selection: ItemSelection?
        if let item = request.item { selection = .position(item) }
        if let condition = request.condition {
            do { selection = try ItemSelection.condition(condition) } catch let error as RecoveryError {
                throw OperationError.invalid("where", error.message)
            }
        }
        let plan = try await planned {
            try await RunRecovery(store: store).replay(
                RunRecovery.Replay(
                    runID: origin.id, sequence: sequence, index: request.index, selection: selection, entry: request.entry,
                    useLatestVersion: request.version == .latest))
        }
        return (origin, plan)
    }

    /// Where a retry starts.
    public enum RetryStart: String, Sendable, CaseIterable {
        /// The step that failed (or was stopped), with the inputs it had (the default).
        case failedStep = "failed_step"
        /// The flow's first step (or where the run entered), with the run's input.
        case start

        /// From `from` (`failed_step`, the default, or `start`): the API's body, the MCP tool's arguments.
        public static func parse(_ parameters: Inputs) throws(OperationError) -> RetryStart {
            try parameters.choice("from", allCases.map(\.rawValue)).flatMap(RetryStart.init(rawValue:)) ?? .failedStep
        }
    }

    /// Re-runs a failed or stopped run (operator).
    public func retry(
        _ caller: Identity?, run id: RunID, from start: RetryStart = .failedStep, version: Version = .ran,
        launcher: any RunLauncher
    ) async throws -> RunRecord {
        let caller = try Permission.operate.require(caller)
        let origin = try await runs.record(id)
        let plan = try await retryPlan(origin, from: start, version: version)
        return try await self.start(
            plan, caller, "run.retry", origin: origin.id,
            details: start == .failedStep ? [:] : ["from": .string(start.rawValue)], launcher: launcher)
    }

    /// The run a retry would start, planned but not started (operator, like the retry itself).
    public func previewRetry(_ caller: Identity?, run id: RunID, from start: RetryStart = .failedStep, version: Version = .ran) async throws -> NewRun {
        try Permission.operate.require(caller)
        return try await retryPlan(try await runs.record(id), from: start, version: version)
    }

    func retryPlan(_ origin: RunRecord, from start: RetryStart, version: Version) async throws -> NewRun {
        try await planned {
            switch start {
            case .failedStep:
                return try await RunRecovery(store: store).retry(runID: origin.id, useLatestVersion: version == .latest)
            case .start:
                guard origin.status == .failure || origin.status == .stopped else {
                    throw RecoveryError("run \(origin.id) is \(origin.status.rawValue); only failed or stopped runs are retried (replay a step instead)")
                }
                var plan = try await RunRecovery(store: store).replay(RunRecovery.Replay(runID: origin.id, sequence: 0, useLatestVersion: version == .latest))
                plan.trigger = .retry
                return plan
            }
        }
    }

    /// What a mass retry of `parameters` (a `RunFilter`; the status is always failure) would do.
    public struct RetryPreview: Sendable {
        /// Runs of the filter's window and flow, by status (the status filter left out).
        public var byStatus: [RunStatus: Int]
        /// Failed runs not yet retried or replayed: what would be retried.
        public var toRetry: [RunRecord]
    }

    public func previewRetry(_ caller: Identity?, _ parameters: Inputs) async throws -> RetryPreview {
        try Permission.read.require(caller)
        var all = parameters
        all["status"] = []
        var byStatus: [RunStatus: Int] = [:]
        try await eachRun(all) { byStatus[$0.status, default: 0] += 1 }
        return RetryPreview(byStatus: byStatus, toRetry: try await unrecoveredFailures(parameters))
    }

    /// The outcome of one run of a mass retry.
    public struct BulkItem: Sendable {
        public var origin: RunRecord
        public var result: Result<RunRecord, OperationError>
    }

    /// Retries every failed run of `parameters` (a `RunFilter`) not yet retried or replayed,
    /// oldest first (operator); `each` hears about every run as it is started (or refused).
    public func bulkRetry(
        _ caller: Identity?, _ parameters: Inputs, from start: RetryStart = .failedStep, version: Version = .ran,
        launcher: any RunLauncher, each: (BulkItem) async throws -> Void = { _ in }
    ) async throws -> [BulkItem] {
        let caller = try Permission.operate.require(caller)
        var items: [BulkItem] = []
        for origin in try await unrecoveredFailures(parameters) {
            let item: BulkItem
            do {
                let plan = try await retryPlan(origin, from: start, version: version)
                item = BulkItem(
                    origin: origin,
                    result: .success(
                        try await self.start(
                            plan, caller, "run.retry", origin: origin.id,
                            details: ["bulk": true], launcher: launcher)))
            } catch let error as OperationError where error.code == .conflict {
                item = BulkItem(origin: origin, result: .failure(error))
            }
            try await each(item)
            items.append(item)
        }
        return items
    }

    /// Failed runs of the filter, oldest first, leaving out those already retried or replayed.
    func unrecoveredFailures(_ parameters: Inputs) async throws -> [RunRecord] {
        var failed = parameters
        failed["status"] = ["failure"]
        var found: [RunRecord] = []
        try await eachRun(failed) { run in found.append(run) }
        var unrecovered: [RunRecord] = []
        for run in found where try await store.runs(RunQuery(originRunID: run.id, limit: 1)).isEmpty { unrecovered.append(run) }
        return unrecovered.reversed()
    }

    /// Every run of a `RunFilter`, newest first, page by page (its `limit` is the page size).
    func eachRun(_ parameters: Inputs, _ body: (RunRecord) async throws -> Void) async throws {
        _ = try RunFilter.query(parameters, now: now())  // a bad filter, `limit` included, is refused, not ignored
        var parameters = parameters
        parameters.set("limit", nil)
        var query = try RunFilter.query(parameters, now: now(), defaultLimit: 500)
        while true {
            let page = try await store.runs(query)
            for run in page { try await body(run) }
            guard page.count == query.limit, let last = page.last else { return }
            query.before = last.id
        }
    }

    // MARK: - Helpers

    /// A plan that cannot be made (a finished run, expired payloads, no such step) is a `conflict` saying why.
    func planned(_ body: () async throws -> NewRun) async throws -> NewRun {
        do { return try await body() } catch let error as RecoveryError { throw OperationError.conflict(error.message) }
    }

    func start(
        _ plan: NewRun, _ caller: Identity, _ action: String, origin: RunID, details: JSON.Object,
        launcher: any RunLauncher
    ) async throws -> RunRecord {
        let record = try await launcher.launch(plan)
        var details = details
        details["new_run"] = .number(Double(record.id.rawValue))
        try await audit.record(caller, action, target: "run:\(origin)", details: details)
        return record
    }
}
