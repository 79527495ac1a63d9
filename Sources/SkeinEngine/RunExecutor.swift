public import Foundation
import Logging
public import SkeinCore
import SkeinJSON
public import SkeinStorage

/// Something that happened in a run, for progress output and logs.
public enum RunEvent: Sendable {
    case stepStarted(runID: Int64, sequence: Int, shapeID: String, inputCount: Int)
    case stepRetrying(runID: Int64, shapeID: String, attempt: Int, after: Duration, reason: String)
    case stepFinished(runID: Int64, sequence: Int, shapeID: String, status: StepStatus, outputCount: Int)
    case runFinished(runID: Int64, status: RunStatus, error: String?)
}

/// Executes one claimed run to its end, writing each step and its payloads as it goes.
///
/// Every step is stored when it starts and again, with its output payloads, when it ends,
/// so a run whose process dies can be resumed by another worker: it picks up after the last
/// finished step, re-running an interrupted step with the inputs it had.
public struct RunExecutor: Sendable {
    public let store: any SkeinStore
    public let catalog: ShapeCatalog
    public let instances: any InstanceResolver
    public let logger: Logger
    public let now: @Sendable () -> Date
    public let onEvent: @Sendable (RunEvent) -> Void
    /// When Pending sync entries are first retried.
    public let syncBackoff: SyncBackoff

    public init(store: any SkeinStore, catalog: ShapeCatalog, instances: any InstanceResolver, logger: Logger,
                now: @escaping @Sendable () -> Date = Date.init, syncBackoff: SyncBackoff = SyncBackoff(),
                onEvent: @escaping @Sendable (RunEvent) -> Void = { _ in }) {
        self.syncBackoff = syncBackoff
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
        var logger = logger
        logger[metadataKey: "run.id"] = "\(run.id)"
        logger[metadataKey: "flow.id"] = "\(run.flowID)"

        guard let deployed = try await store.flow(id: run.flowID, version: run.flowVersion) else {
            return try await finish(run.id, .failure, "flow '\(run.flowID)' version \(run.flowVersion) is not deployed", nil)
        }
        let flow: FlowDefinition
        let executors: [any ShapeExecutor]
        do {
            (flow, executors) = try prepare(deployed)
        } catch {
            return try await finish(run.id, .failure, "flow '\(run.flowID)' v\(run.flowVersion) cannot run: \(error)", nil)
        }

        // Work out where to (re)start.
        let previous = try await store.steps(runID: run.id)
        var sequence = 1
        var entryIndex: Int
        var input: [Payload]
        /// The stored step whose outputs `input` is (0 = the run's input), for the input size.
        var inputSequence = 0
        var resumeWarning: String?
        if let last = previous.last {
            guard let lastIndex = flow.shapeIndex(of: last.shapeID) else {
                return try await finish(run.id, .failure, "cannot resume: shape '\(last.shapeID)' is not in the flow", nil)
            }
            switch last.status {
            case .success, .skipped:
                entryIndex = lastIndex + 1
                input = try await store.payloads(runID: run.id, sequence: last.sequence)
                inputSequence = last.sequence
                sequence = last.sequence + 1
            case .running:
                entryIndex = lastIndex
                let before = previous.dropLast().last { $0.status == .success || $0.status == .skipped }
                input = try await store.payloads(runID: run.id, sequence: before?.sequence ?? 0)
                inputSequence = before?.sequence ?? 0
                sequence = last.sequence
                resumeWarning = "resumed after the process running this step stopped (pick-up \(run.claims))"
                logger.warning("resuming interrupted step", metadata: ["step.id": "\(last.shapeID)"])
            case .failure, .stopped:
                return try await finish(run.id, last.status == .stopped ? .stopped : .failure,
                                        last.error ?? "step '\(last.shapeID)' did not finish", last.shapeID)
            }
        } else {
            if let entry = run.entryShapeID {
                guard let index = flow.shapeIndex(of: entry) else {
                    return try await finish(run.id, .failure, "flow '\(flow.id)' has no shape '\(entry)' to start at", nil)
                }
                entryIndex = index
            } else {
                entryIndex = 0
            }
            input = try await store.payloads(runID: run.id, sequence: 0)
        }

        var variables = try await startingVariables(run, flow: flow, throughSequence: inputSequence, resuming: !previous.isEmpty)
        var machine = RunStateMachine(shapes: flow.shapes, entryIndex: entryIndex)
        var action = machine.start()
        let recorder = CallRecorder()
        while true {
            if case .finish = action {} else if stopRequested() {
                action = machine.stopRequested()
            }
            switch action {
            case .finish(let status, let failedIndex, let reason):
                return try await finish(run.id, status, reason, failedIndex.map { flow.shapes[$0].id })

            case .skip(let index):
                let shape = flow.shapes[index]
                try await beginStep(run.id, sequence, shape, input, from: inputSequence)
                try await store.finishStep(runID: run.id, sequence: sequence, outcome: StepOutcome(
                    status: .skipped, attempts: 0, outputs: input, warnings: ["shape skipped (skip: true); its input passed through"]), now: now())
                onEvent(.stepFinished(runID: run.id, sequence: sequence, shapeID: shape.id, status: .skipped, outputCount: input.count))
                inputSequence = sequence
                sequence += 1
                action = machine.stepSucceeded(outputCount: input.count)

            case .execute(let index, let attempt), .retry(let index, let attempt, _):
                let shape = flow.shapes[index]
                if case .retry(_, _, let delay) = action {
                    try await Task.sleep(for: delay)
                    if stopRequested() { action = machine.stopRequested(); continue }
                } else {
                    try await beginStep(run.id, sequence, shape, input, from: inputSequence)
                }
                let context = ShapeContext(runID: run.id, flowID: flow.id, shapeID: shape.id, attempt: attempt,
                                           variables: variables, recorder: recorder, instances: instances)
                do {
                    let result = try await executors[index].execute(input, context: context)
                    var warnings = result.warnings
                    if let resumeWarning { warnings.insert(resumeWarning, at: 0) }
                    resumeWarning = nil
                    let finishedAt = now()
                    let sync = SyncEntryMaker(retryLimit: flow.syncRetries, backoff: syncBackoff).entries(for: result.syncItems, now: finishedAt)
                    if let warning = sync.warning { warnings.append(warning) }
                    try await store.finishStep(runID: run.id, sequence: sequence, outcome: StepOutcome(
                        status: .success, attempts: attempt, outputs: result.outputs, warnings: warnings,
                        calls: recorder.drain() + result.calls, syncEntries: sync.entries, variables: result.variables), now: finishedAt)
                    if let changed = result.variables { variables = changed }
                    onEvent(.stepFinished(runID: run.id, sequence: sequence, shapeID: shape.id, status: .success, outputCount: result.outputs.count))
                    input = result.outputs
                    inputSequence = sequence
                    sequence += 1
                    action = machine.stepSucceeded(outputCount: result.outputs.count)
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    let failure = (error as? ShapeFailure) ?? ShapeFailure(String(describing: error))
                    action = machine.stepFailed(failure)
                    switch action {
                    case .retry(_, let nextAttempt, let delay):
                        logger.info("retrying step after a transient error", metadata: ["step.id": "\(shape.id)", "error": "\(failure.message)"])
                        onEvent(.stepRetrying(runID: run.id, shapeID: shape.id, attempt: nextAttempt, after: delay, reason: failure.message))
                    default:
                        try await store.finishStep(runID: run.id, sequence: sequence, outcome: StepOutcome(
                            status: .failure, attempts: attempt, error: failure.message, errorDetails: failure.details,
                            warnings: resumeWarning.map { [$0] } ?? [], calls: recorder.drain()), now: now())
                        onEvent(.stepFinished(runID: run.id, sequence: sequence, shapeID: shape.id, status: .failure, outputCount: 0))
                    }
                }
            }
        }
    }

    /// Reads the deployed flow with the full catalog and builds every shape's executor up front,
    /// so a flow that cannot run fails before its first step rather than halfway.
    func prepare(_ deployed: DeployedFlow) throws -> (FlowDefinition, [any ShapeExecutor]) {
        let flow = try FlowFile.decode(deployed.source, source: "flow '\(deployed.flowID)' v\(deployed.version)", catalog: catalog)
        let problems = ProblemList()
        var executors: [any ShapeExecutor] = []
        for (index, shape) in flow.shapes.enumerated() {
            guard let kind = catalog.kind(shape.type),
                  let reader = SettingsReader(shape.settings, path: "shapes[\(index)].\(shape.type)", problems: problems),
                  let executor = kind.prepare(reader)
            else { continue }
            executors.append(executor)
        }
        guard problems.isEmpty, executors.count == flow.shapes.count else {
            throw FlowValidationError(source: "flow '\(deployed.flowID)'", problems: problems.problems)
        }
        return (flow, executors)
    }

    /// Records a step's start with its input count and size: the size as stored when the inputs
    /// were the run's input or a step's outputs (bytes as produced, which JSON payloads only have
    /// once serialised for storage).
    private func beginStep(_ runID: Int64, _ sequence: Int, _ shape: ShapeDefinition, _ input: [Payload], from inputSequence: Int) async throws {
        let bytes = try await store.payloadInfos(runID: runID, sequence: inputSequence).reduce(0) { $0 + $1.size }
        try await store.beginStep(runID: runID, sequence: sequence, shapeID: shape.id, shapeType: shape.type,
                                  inputCount: input.count, inputBytes: bytes, now: now())
        onEvent(.stepStarted(runID: runID, sequence: sequence, shapeID: shape.id, inputCount: input.count))
    }

    private func finish(_ runID: Int64, _ status: RunStatus, _ error: String?, _ failedShapeID: String?) async throws -> RunStatus {
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
