import Foundation
import Logging
import SkeinCore
import SkeinInstrumentation
import SkeinJSON
import SkeinStorage
import Tracing

/// Carries out one run of a flow tree as its `RunPlanner` decides: records each step when it
/// starts and, with its output payloads, when it ends; runs shapes and route conditions; waits
/// before a retry on the executor's clock; wraps the payloads a `try` part lost for its catch
/// part. What comes next, with which payloads, how often a step is tried and how the run ends
/// are the planner's decisions, never this type's.
///
/// Crash safety comes from the planner's deterministic step numbers: a run picked up again is
/// planned from the top with what earlier pick-ups stored, and only unfinished steps run.
///
/// Commits: a step's start is committed before its shape runs, together with the previous
/// step's end, so its outputs are durable before the next step starts. A shape that touches no
/// system (`ShapeSpec.touchesNoSystem`) is the exception when nothing finished is waiting: its
/// start is committed with its end, since running it again after a crash repeats nothing
/// anyone can see. A webhook → map run then pays for one commit instead of two.
final class FlowWalk {
    let engine: RunExecutor
    let run: RunRecord
    let flow: FlowDefinition
    let executors: [String: any ShapeExecutor]
    let routers: [String: RouteDecider]
    /// Shapes whose step start may wait for the step's end (`ShapeSpec.touchesNoSystem`).
    let touchingNoSystem: Set<String>
    let stopRequested: @Sendable () -> Bool
    var logger: Logger
    private var planner: RunPlanner
    let recorder = CallRecorder()
    /// The last steps' outputs, so the next step takes them from memory instead of reading them back.
    var handoff = PayloadHandoff()
    /// The flow variables as of the step being carried out: the run's starting values, then
    /// whatever each `set_variables` step set (steps are carried out, and numbered, depth first).
    var variables: [String: JSON] = [:]
    /// The lookup tables the flow names, read once when this pick-up of the run began.
    var lookups = RunLookups.none
    /// What the step in progress produced so far: one call's result, or one per payload inside `try`.
    var produced = ProducedSoFar()
    /// The step in progress's input, loaded once for all its calls.
    private var loadedInput: (sequence: Int, payloads: [Payload])?
    /// The failure a retry is about to answer (for its log line and event).
    private var lastFailure: ShapeFailure?
    /// Run-log writes not committed yet: a finished step's end (with its outputs), held until
    /// the next step begins or the run ends and committed in that one transaction — a step's
    /// outputs are durable before the next step starts, and a short run pays for fewer commits.
    /// Before the first step: the run's trace id, if it has none yet.
    var pending: [RunLogWrite] = []
    /// The run's span: every step's span is its child, however deep the step sits in the tree.
    private let runContext: ServiceContext
    /// The step between `begin` and `record` (steps never overlap within a walk).
    private var openStep: OpenStep?

    private struct OpenStep {
        var sequence: Int
        var shapeType: String
        var span: any Span
        var started: ContinuousClock.Instant
    }

    init(
        engine: RunExecutor, run: RunRecord, flow: FlowDefinition, executors: [String: any ShapeExecutor], routers: [String: RouteDecider],
        touchingNoSystem: Set<String>, planner: RunPlanner, stopRequested: @escaping @Sendable () -> Bool, logger: Logger
    ) {
        self.engine = engine
        self.run = run
        self.flow = flow
        self.executors = executors
        self.routers = routers
        self.touchingNoSystem = touchingNoSystem
        self.planner = planner
        self.stopRequested = stopRequested
        self.logger = logger
        self.runContext = ServiceContext.current ?? .topLevel
    }

    var store: any RunExecutor.Store { engine.store }

    /// Carries out the planner's actions until it says how the run ends.
    func walk() async throws -> RunEnd {
        var action = planner.start()
        while true {
            switch action {
            case .begin(let step):
                if stopRequested() {
                    action = planner.next(.stopRequested)
                    continue
                }
                try await begin(step)
                action = planner.next(.done)
            case .execute(let step, let payload, let attempt):
                action = planner.next(try await execute(step, payload: payload, attempt: attempt))
            case .retry(let step, let payload, let attempt, let delay):
                let reason = lastFailure?.message ?? ""
                logger.info("retrying step after a transient error", metadata: ["step.id": "\(step.shape.id)", "error": "\(reason)"])
                engine.onEvent(.stepRetrying(runID: run.id, shapeID: step.shape.id, attempt: attempt, after: delay, reason: reason))
                try await engine.clock.sleep(for: delay)
                if stopRequested() {
                    action = planner.next(.stopRequested)
                    continue
                }
                action = planner.next(try await execute(step, payload: payload, attempt: attempt))
            case .route(let step, let block):
                action = planner.next(try await route(step, block))
            case .record(let step, let end):
                action = planner.next(.recorded(outputs: try await record(step, end)))
            case .finish(let end):
                return end
            }
        }
    }

    // MARK: - Actions

    /// Records a step's start with its input count and size (bytes as stored).
    private func begin(_ step: PlannedStep) async throws {
        if step.resumed { logger.warning("resuming interrupted step", metadata: ["step.id": "\(step.shape.id)"]) }
        produced = ProducedSoFar()
        loadedInput = nil
        var bytes = 0
        var sizes: [Int: [Int]] = [:]
        for ref in step.input.refs {
            if sizes[ref.sequence] == nil {
                if let kept = handoff.sizes(of: ref.sequence) {
                    sizes[ref.sequence] = kept
                } else {
                    // Read whole, not just their sizes: the shape takes them from the hand-off next.
                    let payloads = try await store.payloads(of: StepID(run: run.id, sequence: ref.sequence))
                    handoff.keepReadBack(sequence: ref.sequence, payloads: payloads)
                    sizes[ref.sequence] = handoff.sizes(of: ref.sequence) ?? []
                }
            }
            bytes += sizes[ref.sequence, default: []].dropFirst(ref.start).prefix(ref.count).reduce(0, +)
        }
        let start = RunLogWrite.beginStep(
            StepID(run: run.id, sequence: step.sequence), shapeID: step.shape.id, shapeType: step.shape.type,
            inputCount: step.input.count, inputBytes: bytes, now: engine.now())
        if touchingNoSystem.contains(step.shape.id) && !pending.contains(where: \.endsAStep) {
            pending.append(start)
        } else {
            try await commitPending(with: start)
        }
        endOpenStep()
        let span = startSpan("step \(step.shape.id)", context: runContext)
        span.attributes["skein.step.sequence"] = step.sequence
        span.attributes["skein.shape.id"] = step.shape.id
        span.attributes["skein.shape.type"] = step.shape.type
        span.attributes["skein.step.payloads_in"] = step.input.count
        openStep = OpenStep(sequence: step.sequence, shapeType: step.shape.type, span: span, started: ContinuousClock.Instant.now)
        engine.onEvent(.stepStarted(runID: run.id, sequence: step.sequence, shapeID: step.shape.id, inputCount: step.input.count))
    }

    /// Runs the step's shape once, on all its input or on one payload of it.
    private func execute(_ step: PlannedStep, payload: Int?, attempt: Int) async throws -> ActionResult {
        guard let executor = executors[step.shape.id] else { return .failed(ShapeFailure("step '\(step.shape.id)' has no executor")) }
        let payloads = try await input(of: step)
        let batch = payload.map { [payloads[$0]] } ?? payloads
        // Calls the shape makes (HTTP, SFTP, database) become child spans of the step's span.
        let stepContext = openStep?.span.context ?? runContext
        let shapeContext = context(for: step.shape, attempt: attempt)
        do {
            let result = try await ServiceContext.withValue(stepContext) { try await executor.execute(batch, context: shapeContext) }
            produced.add(result)
            if let changed = result.variables { variables = changed }
            return .succeeded
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            let failure = (error as? ShapeFailure) ?? ShapeFailure(String(describing: error))
            lastFailure = failure
            return .failed(failure)
        }
    }

    /// Evaluates a route's conditions for each payload of its input.
    private func route(_ step: PlannedStep, _ block: RouteBlock) async throws -> ActionResult {
        let payloads = try await input(of: step)
        var shares = RouteShares(children: Array(repeating: [], count: ShapeStructure.route(block).children.count))
        let context = context(for: step.shape, attempt: 1)
        for (index, payload) in payloads.enumerated() {
            do {
                let chosen = try routers[step.shape.id]?.children(for: payload, index: index, context: context) ?? []
                if chosen.isEmpty { shares.unrouted.append(index) }
                for child in chosen { shares.children[child].append(index) }
            } catch let failure {
                guard step.inTry else { return .failed(failure) }
                shares.caught.append(CaughtFailure(index: index, failure: failure))
            }
        }
        return .routed(shares)
    }

    /// Commits what is pending together with `write`.
    func commitPending(with write: RunLogWrite) async throws {
        try await engine.runLog.commit(pending + [write])
        pending = []
    }

    /// Holds a finished step's write until the next commit (`commitPending`), and reports the
    /// step's end (span, metrics, `stepFinished`) now: a stop asked for on that event is seen
    /// before the next step begins. Should the process die before that commit, the step runs
    /// again on the next pick-up, as any step whose end was not stored.
    func hold(_ write: RunLogWrite, then report: () -> Void) {
        pending.append(write)
        report()
    }

    /// Ends the open step's span and records its duration (`skein_step_duration_seconds`).
    func closeStep(_ sequence: Int, _ outcome: StepOutcome) {
        guard let step = openStep, step.sequence == sequence else { return }
        openStep = nil
        step.span.attributes["skein.step.status"] = outcome.status.rawValue
        step.span.attributes["skein.step.attempts"] = outcome.attempts
        step.span.attributes["skein.step.payloads_out"] = outcome.outputs.count
        if let path = outcome.path { step.span.attributes["skein.step.path"] = path }
        if outcome.status == .failure { step.span.setStatus(SpanStatus(code: .error, message: outcome.error)) }
        step.span.end()
        SkeinMetric.stepDuration.record(ContinuousClock.Instant.now - step.started, step.shapeType, outcome.status.rawValue)
    }

    /// Ends a step span the walk left open because it stopped between a step's start and its end
    /// (a store error): the step is unfinished, as the run log shows it.
    func endOpenStep() {
        guard let step = openStep else { return }
        openStep = nil
        step.span.attributes["skein.step.status"] = "unfinished"
        step.span.setStatus(SpanStatus(code: .error, message: "the step did not finish in this pick-up"))
        step.span.end()
    }

    func context(for shape: ShapeDefinition, attempt: Int) -> ShapeContext {
        var context = ShapeContext(
            runID: run.id, flowID: flow.id, shapeID: shape.id, attempt: attempt, variables: variables,
            recorder: recorder, instances: engine.instances,
            flows: ChildRunCaller(engine: engine, parent: run),
            // Every SkeinStore keeps the delivery ledger; a narrower test store runs without one.
            deliveries: engine.store as? any DeliveryLedger)
        context.lookups = lookups
        return context
    }

    // MARK: - Payloads

    /// The step's input payloads, loaded once per step.
    func input(of step: PlannedStep) async throws -> [Payload] {
        if let loadedInput, loadedInput.sequence == step.sequence { return loadedInput.payloads }
        let payloads = try await materialize(step.input)
        loadedInput = (step.sequence, payloads)
        return payloads
    }

    /// Forgets the finished step's input.
    func releaseInput() { loadedInput = nil }

    /// Loads the payloads a bucket refers to: from the hand-off when just produced, else reading each step's outputs once.
    func materialize(_ bucket: PayloadBucket) async throws -> [Payload] {
        var loaded: [Int: [Payload]] = [:]
        var payloads: [Payload] = []
        for ref in bucket.refs {
            if loaded[ref.sequence] == nil {
                if let kept = handoff.payloads(of: ref.sequence) {
                    loaded[ref.sequence] = kept
                } else {
                    loaded[ref.sequence] = try await store.payloads(of: StepID(run: run.id, sequence: ref.sequence))
                }
            }
            let stored = loaded[ref.sequence, default: []]
            guard ref.start + ref.count <= stored.count else {
                throw StorageError(
                    .corrupt,
                    "step \(ref.sequence) of run \(run.id) stored \(stored.count) payloads, \(ref.start + ref.count) were expected"
                        + (run.payloadsExpired ? " (its payloads expired)" : ""))
            }
            payloads += stored[ref.start..<(ref.start + ref.count)]
        }
        return payloads
    }
}

/// What a step's shape calls returned so far, gathered for the step's record.
struct ProducedSoFar {
    var outputs: [Payload] = []
    var warnings: [String] = []
    var calls: [JSON] = []
    var syncItems: [SyncItem] = []
    /// The variables after the last call that changed them.
    var variables: [String: JSON]?
    /// Each call's `ShapeResult.details`.
    var details: [JSON] = []

    mutating func add(_ result: ShapeResult) {
        if outputs.isEmpty { outputs = result.outputs } else { outputs += result.outputs }
        warnings += result.warnings
        calls += result.calls
        syncItems += result.syncItems
        if let changed = result.variables { variables = changed }
        if let extra = result.details { details.append(extra) }
    }
}
