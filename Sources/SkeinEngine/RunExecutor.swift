public import Foundation
import Logging
public import SkeinCore
import SkeinInstrumentation
import SkeinJSON
public import SkeinStorage
import Tracing

/// Something that happened in a run, for progress output and logs.
public enum RunEvent: Sendable {
    case stepStarted(runID: RunID, sequence: Int, shapeID: String, inputCount: Int)
    case stepRetrying(runID: RunID, shapeID: String, attempt: Int, after: Duration, reason: String)
    case stepFinished(runID: RunID, sequence: Int, shapeID: String, status: StepStatus, outputCount: Int)
    case runFinished(runID: RunID, status: RunStatus, error: String?)
}

/// Executes one claimed run to its end, writing each step and its payloads as it goes.
///
/// Every step is stored when it starts and again, with its output payloads, when it ends,
/// so a run whose process dies can be resumed by another worker: it picks up after the last
/// finished step, re-running an interrupted step with the inputs it had.
public struct RunExecutor: Sendable {
    /// What the executor reads and writes: flows, the run log, child runs and leases of runs it starts itself.
    public typealias Store = FlowReader & RunIntake & RunQueue & RunLogWriter & RunLogReader & RunVariableStore

    public let store: any Store
    public let catalog: ShapeCatalog
    public let instances: any InstanceResolver
    public let logger: Logger
    public let now: @Sendable () -> Date
    /// What a step waits on before a retry (tests pass a clock that does not wait).
    public let clock: any Clock<Duration>
    public let onEvent: @Sendable (RunEvent) -> Void
    /// When Pending sync entries are first retried.
    public let syncBackoff: SyncBackoff
    /// Flows already read and prepared by this executor (and its copies), by version.
    let preparedFlows = PreparedFlowCache()
    /// Group commit for the run log: the steps and ends of the runs this executor (and its
    /// copies) carries out at once share transactions.
    let runLog: RunLogBatcher

    public init(
        store: any Store, catalog: ShapeCatalog, instances: any InstanceResolver, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init, clock: any Clock<Duration> = ContinuousClock(),
        syncBackoff: SyncBackoff = SyncBackoff(), runLogBatch: Int = 256, onEvent: @escaping @Sendable (RunEvent) -> Void = { _ in }
    ) {
        self.runLog = RunLogBatcher(store: store, maximumBatch: runLogBatch)
        self.syncBackoff = syncBackoff
        self.clock = clock
        self.store = store
        self.catalog = catalog
        self.instances = instances
        self.logger = logger
        self.now = now
        self.onEvent = onEvent
    }

    /// Runs `run` (already claimed by this process) until it finishes, fails or is stopped.
    /// `stopRequested` is polled between steps and between retries.
    public func execute(_ run: RunRecord, stopRequested: @escaping @Sendable () -> Bool = { false }) async throws -> RunStatus {
        try await executeCollecting(run, stopRequested: stopRequested).status
    }

    /// Like `execute`, also returning the run's final payloads (what its last top-level shape
    /// passed on) when it succeeded: what a `run_flow` caller waits for.
    ///
    /// The pick-up is one span, `run <flow>`, with a span per step below it (see docs/operations.md,
    /// "Tracing"). A run resumed after a crash continues the trace its first pick-up started (the
    /// stored `traceParent`); a child run (`run_flow`) joins its caller's trace.
    public func executeCollecting(
        _ run: RunRecord, stopRequested: @escaping @Sendable () -> Bool = { false }
    ) async throws
        -> (status: RunStatus, outputs: [Payload])
    {
        let parent = run.traceParent.map(TraceContext.context(continuing:)) ?? ServiceContext.current ?? .topLevel
        let clock = ContinuousClock()
        let started = clock.now
        if run.claims > 1 {
            SkeinMetric.runsResumed.increment(run.flowID)
        } else {
            SkeinMetric.runsStarted.increment(run.flowID, run.trigger.rawValue)
            if let startedAt = run.startedAt {
                SkeinMetric.runQueueWait.record(.seconds(max(0, startedAt.timeIntervalSince(run.queuedAt))), run.flowID)
            }
        }
        return try await withSpan("run \(run.flowID)", context: parent, ofKind: .consumer) { span in
            span.attributes["skein.run.id"] = Int(run.id.rawValue)
            span.attributes["skein.flow.id"] = run.flowID
            span.attributes["skein.flow.version"] = run.flowVersion
            span.attributes["skein.run.trigger"] = run.trigger.rawValue
            span.attributes["skein.run.pickup"] = run.claims
            // Stored with the run's first write (its first step's start, or its end).
            let traceParent = run.traceParent == nil ? TraceContext.traceParent(of: span.context) : nil
            let result = try await executeInSpan(run, traceParent: traceParent.map { [.traceParent(run.id, $0)] } ?? [], stopRequested: stopRequested)
            span.attributes["skein.run.status"] = result.status.rawValue
            if result.status == .failure { span.setStatus(SpanStatus(code: .error, message: "the run failed")) }
            SkeinMetric.runsFinished.increment(run.flowID, result.status.rawValue)
            SkeinMetric.runDuration.record(clock.now - started, run.flowID, result.status.rawValue)
            return result
        }
    }

    private func executeInSpan(
        _ run: RunRecord, traceParent: [RunLogWrite], stopRequested: @escaping @Sendable () -> Bool
    ) async throws
        -> (status: RunStatus, outputs: [Payload])
    {
        var logger = logger
        logger[metadataKey: "run.id"] = "\(run.id)"
        logger[metadataKey: "flow.id"] = "\(run.flowID)"

        let prepared: PreparedFlow
        if let cached = preparedFlows.cached(flowID: run.flowID, version: run.flowVersion) {
            prepared = cached
        } else {
            guard let deployed = try await store.flow(id: run.flowID, version: run.flowVersion) else {
                return (
                    try await finish(
                        run.id, .failure, "flow '\(run.flowID)' version \(run.flowVersion) is not deployed", nil, along: traceParent,
                        flowID: run.flowID), []
                )
            }
            do {
                prepared = try preparedFlows.prepared(deployed) { try prepareTree($0) }
            } catch {
                return (
                    try await finish(
                        run.id, .failure, "flow '\(run.flowID)' v\(run.flowVersion) cannot run: \(error)", nil, along: traceParent,
                        flowID: run.flowID), []
                )
            }
        }
        let flow = prepared.flow
        var entry: [TreeHop]?
        if let entryID = run.entryShapeID {
            guard let hops = flow.hops(to: entryID) else {
                return (
                    try await finish(run.id, .failure, "flow '\(flow.id)' has no shape '\(entryID)' to start at", nil, along: traceParent, flowID: run.flowID),
                    []
                )
            }
            entry = hops
        }
        // Only an earlier pick-up writes steps: a run's first pick-up has none to read.
        let previous = run.claims > 1 ? try await store.steps(runID: run.id) : []
        let planner = RunPlanner(flow: flow, entry: entry, inputCount: run.inputCount, previous: previous)
        let walk = FlowWalk(
            engine: self, run: run, flow: flow, executors: prepared.executors, routers: prepared.routers,
            touchingNoSystem: prepared.touchingNoSystem, planner: planner, stopRequested: stopRequested, logger: logger)
        walk.pending = traceParent
        let lastFinished = previous.filter { $0.status != .running }.map(\.sequence).max() ?? 0
        walk.variables = try await startingVariables(run, flow: flow, throughSequence: lastFinished, resuming: !previous.isEmpty)
        walk.lookups = try await loadLookups(prepared.lookups)
        defer { walk.endOpenStep() }
        let end = try await walk.walk()
        let succeeded = end.status == .success || end.status == .partialSuccess
        let outputs = succeeded ? try await walk.materialize(end.outputs) : []
        // The last step's end and the run's end share one transaction.
        return (try await finish(run.id, end.status, end.error, end.failedShapeID, after: walk, flowID: run.flowID), outputs)
    }

    /// A flow read with the full catalog, with an executor for every leaf shape and a decider for every route.
    struct PreparedFlow: Sendable {
        var flow: FlowDefinition
        var executors: [String: any ShapeExecutor]
        var routers: [String: RouteDecider]
        /// The shapes whose spec says they touch no system: their steps' starts are committed with their ends.
        var touchingNoSystem: Set<String> = []
        /// The lookup tables the flow's text names in `$lookup` calls.
        var lookups = LookupReferences()
    }

    /// Reads the deployed flow with the full catalog and builds every shape's executor up front,
    /// so a flow that cannot run fails before its first step rather than halfway.
    func prepareTree(_ deployed: DeployedFlow) throws -> PreparedFlow {
        try Self.prepareTree(deployed, catalog: catalog)
    }

    /// `prepareTree` with `catalog`'s shapes, for callers that run one step outside a run (`SyncResender`).
    static func prepareTree(_ deployed: DeployedFlow, catalog: ShapeCatalog) throws -> PreparedFlow {
        let flow = try FlowFile.decode(deployed.source, source: "flow '\(deployed.flowID)' v\(deployed.version)", catalog: catalog)
        let problems = ProblemList()
        var executors: [String: any ShapeExecutor] = [:]
        var routers: [String: RouteDecider] = [:]
        var touchingNoSystem: Set<String> = []
        for shape in flow.allShapes {
            switch shape.structure {
            case .route(let block)?:
                routers[shape.id] = try RouteDecider(block)
            case .some:
                continue
            case nil:
                guard let kind = catalog.kind(shape.type),
                    let reader = SettingsReader(shape.settings, path: flow.path(of: shape.id) ?? shape.id, problems: problems),
                    let executor = kind.prepare(reader)
                else {
                    if problems.isEmpty { problems.add(shape.id, "shape type '\(shape.type)' is not available") }
                    continue
                }
                executors[shape.id] = executor
                if kind.spec.touchesNoSystem { touchingNoSystem.insert(shape.id) }
            }
        }
        guard problems.isEmpty else {
            throw FlowValidationError(source: "flow '\(deployed.flowID)'", problems: problems.problems)
        }
        return PreparedFlow(
            flow: flow, executors: executors, routers: routers, touchingNoSystem: touchingNoSystem,
            lookups: LookupReferences(scanning: deployed.source))
    }

    /// Records the run's end, with `along` (writes not yet committed) or after what `walk` has not committed yet.
    /// `flowID` names the flow in the log line of a failed run (with `run.id`, and `step.id` when a step failed).
    func finish(
        _ runID: RunID, _ status: RunStatus, _ error: String?, _ failedShapeID: String?, along: [RunLogWrite] = [],
        after walk: FlowWalk? = nil, flowID: String? = nil
    ) async throws -> RunStatus {
        let end = RunLogWrite.finishRun(runID, status: status, error: error, failedShapeID: failedShapeID, now: now())
        if let walk { try await walk.commitPending(with: end) } else { try await runLog.commit(along + [end]) }
        if status == .failure {
            var metadata: Logger.Metadata = ["run.id": "\(runID)", "error": "\(error ?? "")"]
            if let flowID { metadata["flow.id"] = "\(flowID)" }
            if let failedShapeID { metadata["step.id"] = "\(failedShapeID)" }
            logger.notice("run failed", metadata: metadata)
        }
        onEvent(.runFinished(runID: runID, status: status, error: error))
        return status
    }
}

extension CallRecorder {
    /// The calls recorded since the last drain.
    func drain() -> [JSON] {
        let calls = self.calls
        clear()
        return calls
    }
}
