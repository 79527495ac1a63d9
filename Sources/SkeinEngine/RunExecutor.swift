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

    public init(store: any Store, catalog: ShapeCatalog, instances: any InstanceResolver, logger: Logger,
                now: @escaping @Sendable () -> Date = Date.init, clock: any Clock<Duration> = ContinuousClock(),
                syncBackoff: SyncBackoff = SyncBackoff(), onEvent: @escaping @Sendable (RunEvent) -> Void = { _ in }) {
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
    public func executeCollecting(_ run: RunRecord, stopRequested: @escaping @Sendable () -> Bool = { false }) async throws
        -> (status: RunStatus, outputs: [Payload]) {
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
            if run.traceParent == nil, let traceParent = TraceContext.traceParent(of: span.context) {
                do { try await store.recordTraceParent(runID: run.id, traceParent: traceParent) } catch {
                    logger.warning("could not store the run's trace id", metadata: ["run.id": "\(run.id)", "error": "\(error)"])
                }
            }
            let result = try await executeInSpan(run, stopRequested: stopRequested)
            span.attributes["skein.run.status"] = result.status.rawValue
            if result.status == .failure { span.setStatus(SpanStatus(code: .error, message: "the run failed")) }
            SkeinMetric.runsFinished.increment(run.flowID, result.status.rawValue)
            SkeinMetric.runDuration.record(clock.now - started, run.flowID, result.status.rawValue)
            return result
        }
    }

    private func executeInSpan(_ run: RunRecord, stopRequested: @escaping @Sendable () -> Bool) async throws
        -> (status: RunStatus, outputs: [Payload]) {
        var logger = logger
        logger[metadataKey: "run.id"] = "\(run.id)"
        logger[metadataKey: "flow.id"] = "\(run.flowID)"

        guard let deployed = try await store.flow(id: run.flowID, version: run.flowVersion) else {
            return (try await finish(run.id, .failure, "flow '\(run.flowID)' version \(run.flowVersion) is not deployed", nil), [])
        }
        let prepared: PreparedFlow
        do {
            prepared = try preparedFlows.prepared(deployed) { try prepareTree($0) }
        } catch {
            return (try await finish(run.id, .failure, "flow '\(run.flowID)' v\(run.flowVersion) cannot run: \(error)", nil), [])
        }
        let flow = prepared.flow
        var entry: [TreeHop]?
        if let entryID = run.entryShapeID {
            guard let hops = flow.hops(to: entryID) else {
                return (try await finish(run.id, .failure, "flow '\(flow.id)' has no shape '\(entryID)' to start at", nil), [])
            }
            entry = hops
        }
        let previous = try await store.steps(runID: run.id)
        let planner = RunPlanner(flow: flow, entry: entry, inputCount: run.inputCount, previous: previous)
        let walk = FlowWalk(engine: self, run: run, flow: flow, executors: prepared.executors, routers: prepared.routers, planner: planner,
                            stopRequested: stopRequested, logger: logger)
        let lastFinished = previous.filter { $0.status != .running }.map(\.sequence).max() ?? 0
        walk.variables = try await startingVariables(run, flow: flow, throughSequence: lastFinished, resuming: !previous.isEmpty)
        defer { walk.endOpenStep() }
        let end = try await walk.walk()
        let succeeded = end.status == .success || end.status == .partialSuccess
        let outputs = succeeded ? try await walk.materialize(end.outputs) : []
        return (try await finish(run.id, end.status, end.error, end.failedShapeID), outputs)
    }

    /// A flow read with the full catalog, with an executor for every leaf shape and a decider for every route.
    struct PreparedFlow: Sendable {
        var flow: FlowDefinition
        var executors: [String: any ShapeExecutor]
        var routers: [String: RouteDecider]
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
            }
        }
        guard problems.isEmpty else {
            throw FlowValidationError(source: "flow '\(deployed.flowID)'", problems: problems.problems)
        }
        return PreparedFlow(flow: flow, executors: executors, routers: routers)
    }

    func finish(_ runID: RunID, _ status: RunStatus, _ error: String?, _ failedShapeID: String?) async throws -> RunStatus {
        try await store.finishRun(runID: runID, status: status, error: error, failedShapeID: failedShapeID, now: now())
        if status == .failure {
            logger.notice("run failed", metadata: ["run.id": "\(runID)", "error": "\(error ?? "")"])
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
