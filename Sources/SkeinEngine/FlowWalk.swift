import Foundation
import Logging
import SkeinCore
import SkeinInstrumentation
import SkeinJSON
import SkeinStorage
import Tracing

/// Why a walk ended before the end of the flow.
enum WalkEnd: Error {
    /// A step failed outside any `try`: the run fails, naming the step.
    case failed(shapeID: String, reason: String)
    /// Stop was asked for; the run stops before the next step.
    case stopped(reason: String)
}

/// A payload that failed inside a `try` part, on its way to the `catch` part.
struct CaughtPayload {
    /// The payload as the failing step received it; nil when the step had no input.
    var ref: PayloadRef?
    var step: String
    var path: String
    var message: String
}

/// Collects what fails inside one `try` part.
final class TryScope {
    var caught: [CaughtPayload] = []
}

/// Executes one run of a flow tree, depth first, numbering steps in the order it meets them.
///
/// Crash safety comes from that numbering being deterministic: when a run is picked up again,
/// the walk starts from the top and, for every step number an earlier pick-up already finished,
/// reuses what was stored (its outputs, the branches a route chose, the payloads caught) instead
/// of executing it again. The first unfinished step is executed again with the inputs it had.
final class FlowWalk {
    let engine: RunExecutor
    let run: RunRecord
    let flow: FlowDefinition
    let executors: [String: any ShapeExecutor]
    let routers: [String: RouteDecider]
    let stopRequested: @Sendable () -> Bool
    var logger: Logger
    private var previous: [Int: StepRecord]
    private var nextSequence = 1
    private(set) var caughtAny = false
    private let recorder = CallRecorder()
    /// The last steps' outputs, so the next step takes them from memory instead of reading them back.
    private var handoff = PayloadHandoff()
    /// The flow variables as of the step being walked: the run's starting values, then whatever
    /// each `set_variables` step set (steps are walked, and numbered, depth first).
    var variables: [String: JSON] = [:]
    /// The run's span: every step's span is its child, however deep the step sits in the tree.
    private let runContext: ServiceContext
    /// The step between `begin` and `finish` (steps never overlap within a walk).
    private var openStep: OpenStep?

    private struct OpenStep {
        var sequence: Int
        var shapeType: String
        var span: any Span
        var started: ContinuousClock.Instant
    }

    init(engine: RunExecutor, run: RunRecord, flow: FlowDefinition, executors: [String: any ShapeExecutor], routers: [String: RouteDecider],
         previous: [StepRecord], stopRequested: @escaping @Sendable () -> Bool, logger: Logger) {
        self.engine = engine
        self.run = run
        self.flow = flow
        self.executors = executors
        self.routers = routers
        self.stopRequested = stopRequested
        self.logger = logger
        self.previous = Dictionary(previous.map { ($0.sequence, $0) }, uniquingKeysWith: { $1 })
        self.runContext = ServiceContext.current ?? .topLevel
    }

    var store: any RunExecutor.Store { engine.store }

    /// Walks the flow from `entry` (nil: the first shape) with the run's input; returns the final payloads.
    func walk(entry: [TreeHop]?, input: PayloadBucket) async throws -> PayloadBucket {
        try await sequence(flow.shapes, input: input, parentPath: nil, scope: nil, entry: entry.map { ArraySlice($0) } ?? [])
    }

    // MARK: - Sequences and structures

    private func sequence(_ shapes: [ShapeDefinition], input: PayloadBucket, parentPath: String?, scope: TryScope?,
                          entry: ArraySlice<TreeHop>) async throws -> PayloadBucket {
        var current = input
        var start = 0
        if let hop = entry.first {
            start = hop.index
            if let child = hop.child {
                current = try await enter(shapes[start], child: child, input: current, parentPath: parentPath, scope: scope,
                                          rest: entry.dropFirst())
                start += 1
            }
        }
        for shape in shapes[start...] {
            current = try await step(shape, input: current, parentPath: parentPath, scope: scope)
        }
        return current
    }

    private func path(_ shape: ShapeDefinition, _ parentPath: String?) -> String {
        parentPath.map { "\($0)/\(shape.id)" } ?? shape.id
    }

    private func step(_ shape: ShapeDefinition, input: PayloadBucket, parentPath: String?, scope: TryScope?) async throws -> PayloadBucket {
        let path = path(shape, parentPath)
        guard let structure = shape.structure, !shape.skip else { return try await leaf(shape, input: input, path: path, scope: scope) }
        switch structure {
        case .route(let block): return try await route(shape, block, input: input, path: path, scope: scope)
        case .branch(let children):
            try await structureStep(shape, input: input, path: path, scope: scope,
                                    details: ["branches": .array(children.map { .string($0.name) })])
            var joined = PayloadBucket.empty
            for child in children {
                joined = joined + (try await sequence(child.shapes, input: input, parentPath: "\(path)/\(child.name)", scope: scope, entry: []))
            }
            return joined
        case .tryCatch(let block):
            let inner = TryScope()
            let tried = try await sequence(block.tryShapes, input: input, parentPath: "\(path)/try", scope: inner, entry: [])
            try await catchPart(shape, block, caught: inner.caught, path: path, scope: scope)
            return tried
        }
    }

    /// Enters a structure at one of its children directly (a replay or retry of a step inside it):
    /// the rest of that child runs, then whatever follows the structure.
    private func enter(_ shape: ShapeDefinition, child: Int, input: PayloadBucket, parentPath: String?, scope: TryScope?,
                       rest: ArraySlice<TreeHop>) async throws -> PayloadBucket {
        let path = path(shape, parentPath)
        guard let structure = shape.structure else { return input }
        let childSequence = structure.children[child]
        let childPath = "\(path)/\(childSequence.name)"
        if case .tryCatch(let block) = structure {
            if child == 1 {
                _ = try await sequence(block.catchShapes, input: input, parentPath: childPath, scope: scope, entry: rest)
                return .empty
            }
            let inner = TryScope()
            let tried = try await sequence(block.tryShapes, input: input, parentPath: childPath, scope: inner, entry: rest)
            try await catchPart(shape, block, caught: inner.caught, path: path, scope: scope)
            return tried
        }
        return try await sequence(childSequence.shapes, input: input, parentPath: childPath, scope: scope, entry: rest)
    }

    /// A `branch` shape's own step: it records the branches its input goes to.
    private func structureStep(_ shape: ShapeDefinition, input: PayloadBucket, path: String, scope: TryScope?, details: JSON.Object) async throws {
        let (sequence, record) = try claim(shape)
        if let record, try reuse(record, shape: shape, path: path, input: input, scope: scope) != nil { return }
        try checkStop(before: shape)
        try await begin(sequence, shape, input: input)
        var details = details
        details["input"] = input.json
        try await finish(sequence, shape, path: path, StepOutcome(status: .success, attempts: 1, warnings: resumeWarning(record), details: .object(details)))
    }

    /// A `route` shape: decides (or, after a resume, reads back) which children each payload goes
    /// to, then runs each child that got payloads with its share. The route passes on the joined
    /// outputs of its children, in child order.
    private func route(_ shape: ShapeDefinition, _ block: RouteBlock, input: PayloadBucket, path: String, scope: TryScope?) async throws -> PayloadBucket {
        let children = ShapeStructure.route(block).children
        let (sequence, record) = try claim(shape)
        var shares: [[Int]]
        if let record, let stored = try reuse(record, shape: shape, path: path, input: input, scope: scope) {
            shares = children.map { child in
                stored.details?["children"]?.arrayValue?.first { $0["name"]?.stringValue == child.name }?["payloads"]?.arrayValue?
                    .compactMap(\.numberValue).map { Int($0) } ?? []
            }
        } else {
            try checkStop(before: shape)
            try await begin(sequence, shape, input: input)
            let payloads = try await materialize(input)
            shares = Array(repeating: [], count: children.count)
            var unrouted: [Int] = []
            var caught: [(Int, String)] = []
            let context = context(for: shape, attempt: 1)
            for (index, payload) in payloads.enumerated() {
                do {
                    let chosen = try routers[shape.id]?.children(for: payload, index: index, context: context) ?? []
                    if chosen.isEmpty { unrouted.append(index) }
                    for child in chosen { shares[child].append(index) }
                } catch let failure {
                    guard scope != nil else {
                        try await finish(sequence, shape, path: path, StepOutcome(
                            status: .failure, attempts: 1, error: failure.message, errorDetails: failure.details,
                            warnings: resumeWarning(record), details: ["input": input.json]))
                        throw WalkEnd.failed(shapeID: shape.id, reason: "step '\(shape.id)' failed: \(failure.message)")
                    }
                    caught.append((index, failure.message))
                }
            }
            var warnings = resumeWarning(record)
            if !unrouted.isEmpty {
                warnings.append("\(unrouted.count) payload\(unrouted.count == 1 ? "" : "s") matched no branch and went no further (payloads \(Self.list(unrouted))); add otherwise: to handle them")
            }
            var details: JSON.Object = [
                "mode": .string(block.mode.rawValue),
                "children": .array(children.enumerated().map { position, child in
                    ["name": .string(child.name), "payloads": .array(shares[position].map { .number(Double($0)) })]
                }),
                "unrouted": .array(unrouted.map { .number(Double($0)) }),
                "input": input.json,
            ]
            if !caught.isEmpty {
                details["caught"] = .array(caught.map { ["index": .number(Double($0.0)), "message": .string($0.1)] })
                scope?.caught += caught.map { CaughtPayload(ref: input.ref(at: $0.0), step: shape.id, path: path, message: $0.1) }
            }
            try await finish(sequence, shape, path: path, StepOutcome(status: .success, attempts: 1, warnings: warnings, details: .object(details)))
        }
        var joined = PayloadBucket.empty
        for (position, child) in children.enumerated() where !shares[position].isEmpty {
            var share = PayloadBucket.empty
            for index in shares[position] { if let ref = input.ref(at: index) { share.append(ref) } }
            joined = joined + (try await self.sequence(child.shapes, input: share, parentPath: "\(path)/\(child.name)", scope: scope, entry: []))
        }
        return joined
    }

    /// After a `try` part: records the try shape's step, whose outputs are the payloads that failed
    /// in it, each as `{"payload": …, "error": {"step", "path", "message"}}`, and runs the `catch`
    /// part with them. Nothing caught: the step records that, and catch does not run.
    private func catchPart(_ shape: ShapeDefinition, _ block: TryBlock, caught: [CaughtPayload], path: String, scope: TryScope?) async throws {
        let (sequence, record) = try claim(shape)
        var count: Int
        if let record, let stored = try reuse(record, shape: shape, path: path, input: .empty, scope: scope) {
            count = stored.outputCount
        } else {
            try checkStop(before: shape)
            var input = PayloadBucket.empty
            for item in caught { if let ref = item.ref { input.append(ref) } }
            try await begin(sequence, shape, input: input)
            var wrapped: [Payload] = []
            for item in caught {
                var original: JSON = .null
                var contentType: String?
                if let ref = item.ref, let payload = try await materialize(PayloadBucket.single(ref)).first {
                    if let document = try? payload.json() { original = document } else {
                        original = .string(String(decoding: payload.bytes(), as: UTF8.self))
                        contentType = payload.contentType
                    }
                }
                var object: JSON.Object = ["payload": original,
                                           "error": ["step": .string(item.step), "path": .string(item.path), "message": .string(item.message)]]
                if let contentType { object["content_type"] = .string(contentType) }
                wrapped.append(Payload(json: .object(object)))
            }
            count = wrapped.count
            var warnings = resumeWarning(record)
            if count > 0 { warnings.append("\(count) payload\(count == 1 ? "" : "s") failed in the try part and went to catch") }
            try await finish(sequence, shape, path: path, StepOutcome(
                status: .success, attempts: 1, outputs: wrapped, warnings: warnings,
                details: ["caught": .array(caught.map { ["step": .string($0.step), "path": .string($0.path), "message": .string($0.message)] }),
                          "input": input.json]))
        }
        guard count > 0 else { return }
        caughtAny = true
        _ = try await self.sequence(block.catchShapes, input: PayloadBucket(sequence: sequence, count: count), parentPath: "\(path)/catch",
                                    scope: scope, entry: [])
    }

    // MARK: - Leaf steps

    private func leaf(_ shape: ShapeDefinition, input: PayloadBucket, path: String, scope: TryScope?) async throws -> PayloadBucket {
        let (sequence, record) = try claim(shape)
        if let record, let stored = try reuse(record, shape: shape, path: path, input: input, scope: scope) {
            return PayloadBucket(sequence: sequence, count: stored.outputCount)
        }
        try checkStop(before: shape)
        try await begin(sequence, shape, input: input)
        let payloads = try await materialize(input)
        if shape.skip {
            try await finish(sequence, shape, path: path, StepOutcome(
                status: .skipped, attempts: 0, outputs: payloads,
                warnings: resumeWarning(record) + ["shape skipped (skip: true); its input passed through"], details: ["input": input.json]))
            return PayloadBucket(sequence: sequence, count: payloads.count)
        }
        guard let executor = executors[shape.id] else {
            throw WalkEnd.failed(shapeID: shape.id, reason: "step '\(shape.id)' has no executor")
        }
        if let scope {
            return try await leafInTry(shape, executor, payloads: payloads, input: input, sequence: sequence, path: path, record: record, scope: scope)
        }
        do {
            let (result, attempts) = try await attempt(executor, payloads, shape: shape)
            try await finishSucceeded(sequence, shape, path: path, result: result, attempts: attempts, input: input, record: record)
            return PayloadBucket(sequence: sequence, count: result.outputs.count)
        } catch WalkEnd.stopped(let reason) {
            try await finish(sequence, shape, path: path, StepOutcome(status: .stopped, attempts: 1, error: reason, calls: recorder.drain(),
                                                                      details: ["input": input.json]))
            throw WalkEnd.stopped(reason: reason)
        } catch let failure as AttemptFailure {
            try await finish(sequence, shape, path: path, StepOutcome(
                status: .failure, attempts: failure.attempts, error: failure.failure.message, errorDetails: failure.failure.details,
                warnings: resumeWarning(record), calls: recorder.drain(), details: ["input": input.json]))
            let tries = failure.attempts > 1 ? " (after \(failure.attempts) attempts)" : ""
            throw WalkEnd.failed(shapeID: shape.id, reason: "step '\(shape.id)' failed\(tries): \(failure.failure.message)")
        }
    }

    /// Inside a `try` part a shape runs payload by payload, so one bad order cannot take the
    /// others with it: those that fail go to the catch part, the rest go on.
    private func leafInTry(_ shape: ShapeDefinition, _ executor: any ShapeExecutor, payloads: [Payload], input: PayloadBucket, sequence: Int,
                           path: String, record: StepRecord?, scope: TryScope) async throws -> PayloadBucket {
        var combined = ShapeResult(outputs: [])
        var attemptsMax = 1
        var caught: [(index: Int, failure: ShapeFailure)] = []
        let batches: [(Int, [Payload])] = payloads.isEmpty ? [(-1, [])] : payloads.enumerated().map { ($0.offset, [$0.element]) }
        var details: [JSON] = []
        for (index, batch) in batches {
            do {
                let (result, attempts) = try await attempt(executor, batch, shape: shape)
                attemptsMax = max(attemptsMax, attempts)
                combined.outputs += result.outputs
                combined.warnings += result.warnings
                combined.calls += result.calls
                combined.syncItems += result.syncItems
                if let changed = result.variables { combined.variables = changed; variables = changed }
                if let extra = result.details { details.append(extra) }
            } catch let failure as AttemptFailure {
                attemptsMax = max(attemptsMax, failure.attempts)
                caught.append((index, failure.failure))
            } catch WalkEnd.stopped(let reason) {
                try await finish(sequence, shape, path: path, StepOutcome(status: .stopped, attempts: attemptsMax, error: reason,
                                                                          calls: recorder.drain(), details: ["input": input.json]))
                throw WalkEnd.stopped(reason: reason)
            }
        }
        var stepDetails: JSON.Object = ["input": input.json]
        if !details.isEmpty { stepDetails["shape"] = details.count == 1 ? details[0] : .array(details) }
        if !caught.isEmpty {
            stepDetails["caught"] = .array(caught.map { ["index": .number(Double($0.index)), "message": .string($0.failure.message)] })
            scope.caught += caught.map { CaughtPayload(ref: $0.index >= 0 ? input.ref(at: $0.index) : nil, step: shape.id, path: path,
                                                       message: $0.failure.message) }
            combined.warnings.append("\(caught.count) of \(batches.count) payload\(batches.count == 1 ? "" : "s") failed and went to catch: "
                                     + caught.prefix(3).map { "payload \($0.index): \($0.failure.message)" }.joined(separator: "; "))
        }
        if caught.count == batches.count {
            // Nothing got through: the step failed, but its payloads were caught and the run goes on.
            try await finish(sequence, shape, path: path, StepOutcome(
                status: .failure, attempts: attemptsMax, error: caught[0].failure.message, errorDetails: caught[0].failure.details,
                warnings: resumeWarning(record) + combined.warnings, calls: recorder.drain() + combined.calls, details: .object(stepDetails)))
            return .empty
        }
        combined.details = .object(stepDetails)
        try await finishSucceeded(sequence, shape, path: path, result: combined, attempts: attemptsMax, input: input, record: record, fullDetails: true)
        return PayloadBucket(sequence: sequence, count: combined.outputs.count)
    }

    struct AttemptFailure: Error {
        var failure: ShapeFailure
        var attempts: Int
    }

    /// Runs the shape, retrying transient failures as its `retry:` policy allows.
    private func attempt(_ executor: any ShapeExecutor, _ payloads: [Payload], shape: ShapeDefinition) async throws -> (ShapeResult, Int) {
        let policy = shape.retry ?? .never
        var attempt = 1
        // Calls the shape makes (HTTP, SFTP, database) become child spans of the step's span.
        let stepContext = openStep?.span.context ?? runContext
        while true {
            do {
                let shapeContext = context(for: shape, attempt: attempt)
                let result = try await ServiceContext.withValue(stepContext) { try await executor.execute(payloads, context: shapeContext) }
                return (result, attempt)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                let failure = (error as? ShapeFailure) ?? ShapeFailure(String(describing: error))
                guard failure.isTransient, attempt < policy.attempts else { throw AttemptFailure(failure: failure, attempts: attempt) }
                let delay = policy.delay(after: attempt, retryAfter: failure.retryAfter)
                attempt += 1
                logger.info("retrying step after a transient error", metadata: ["step.id": "\(shape.id)", "error": "\(failure.message)"])
                engine.onEvent(.stepRetrying(runID: run.id, shapeID: shape.id, attempt: attempt, after: delay, reason: failure.message))
                try await Task.sleep(for: delay)
                try checkStop(before: shape)
            }
        }
    }

    private func finishSucceeded(_ sequence: Int, _ shape: ShapeDefinition, path: String, result: ShapeResult, attempts: Int, input: PayloadBucket,
                                 record: StepRecord?, fullDetails: Bool = false) async throws {
        var warnings = resumeWarning(record) + result.warnings
        let finishedAt = engine.now()
        let sync = SyncEntryMaker(retryLimit: flow.syncRetries, backoff: engine.syncBackoff).entries(for: result.syncItems, now: finishedAt)
        if let warning = sync.warning { warnings.append(warning) }
        var details: JSON.Object = ["input": input.json]
        if fullDetails, let object = result.details?.objectValue { details = object } else if let extra = result.details { details["shape"] = extra }
        try await finish(sequence, shape, path: path, StepOutcome(
            status: .success, attempts: attempts, outputs: result.outputs, warnings: warnings, calls: recorder.drain() + result.calls,
            syncEntries: sync.entries, variables: result.variables, details: .object(details)), at: finishedAt)
        if let changed = result.variables { variables = changed }
    }

    // MARK: - Step records

    /// The next step number, and what an earlier pick-up of this run recorded under it.
    private func claim(_ shape: ShapeDefinition) throws -> (Int, StepRecord?) {
        let sequence = nextSequence
        nextSequence += 1
        guard let record = previous[sequence] else { return (sequence, nil) }
        guard record.shapeID == shape.id else {
            throw WalkEnd.failed(shapeID: shape.id, reason: "cannot resume: step \(sequence) was '\(record.shapeID)' but the flow now has '\(shape.id)' there")
        }
        return (sequence, record)
    }

    /// For a step an earlier pick-up finished: the record to reuse (adding what it caught to the
    /// `try` scope); nil when the step must run (again). A stored failure outside `try` ends the walk.
    private func reuse(_ record: StepRecord, shape: ShapeDefinition, path: String, input: PayloadBucket, scope: TryScope?) throws -> StepRecord? {
        switch record.status {
        case .running:
            logger.warning("resuming interrupted step", metadata: ["step.id": "\(shape.id)"])
            return nil
        case .stopped:
            throw WalkEnd.stopped(reason: record.error ?? "stopped before step '\(shape.id)'")
        case .failure where scope == nil:
            throw WalkEnd.failed(shapeID: shape.id, reason: record.error.map { "step '\(shape.id)' failed: \($0)" } ?? "step '\(shape.id)' did not finish")
        case .success, .skipped, .failure:
            if let scope, shape.structure == nil || shape.type == "route", let caught = record.details?["caught"]?.arrayValue {
                for item in caught {
                    let index = item["index"]?.numberValue.map { Int($0) } ?? -1
                    scope.caught.append(CaughtPayload(ref: index >= 0 ? input.ref(at: index) : nil, step: shape.id, path: path,
                                                      message: item["message"]?.stringValue ?? record.error ?? "failed"))
                }
            }
            return record
        }
    }

    private func resumeWarning(_ record: StepRecord?) -> [String] {
        guard record?.status == .running else { return [] }
        return ["resumed after the process running this step stopped (pick-up \(run.claims))"]
    }

    private func checkStop(before shape: ShapeDefinition) throws {
        if stopRequested() { throw WalkEnd.stopped(reason: "stopped on request before step '\(shape.id)'") }
    }

    private func context(for shape: ShapeDefinition, attempt: Int) -> ShapeContext {
        ShapeContext(runID: run.id, flowID: flow.id, shapeID: shape.id, attempt: attempt, variables: variables,
                     recorder: recorder, instances: engine.instances,
                     flows: ChildRunCaller(engine: engine, parent: run),
                     // Every SkeinStore keeps the delivery ledger; a narrower test store runs without one.
                     deliveries: engine.store as? any DeliveryLedger)
    }

    /// Records a step's start with its input count and size (bytes as stored).
    private func begin(_ sequence: Int, _ shape: ShapeDefinition, input: PayloadBucket) async throws {
        var bytes = 0
        var sizes: [Int: [Int]] = [:]
        for ref in input.refs {
            if sizes[ref.sequence] == nil {
                if let kept = handoff.sizes(of: ref.sequence) {
                    sizes[ref.sequence] = kept
                } else {
                    sizes[ref.sequence] = try await store.payloadInfos(of: StepID(run: run.id, sequence: ref.sequence)).map(\.size)
                }
            }
            bytes += sizes[ref.sequence, default: []].dropFirst(ref.start).prefix(ref.count).reduce(0, +)
        }
        endOpenStep()
        let span = startSpan("step \(shape.id)", context: runContext)
        span.attributes["skein.step.sequence"] = sequence
        span.attributes["skein.shape.id"] = shape.id
        span.attributes["skein.shape.type"] = shape.type
        span.attributes["skein.step.payloads_in"] = input.count
        openStep = OpenStep(sequence: sequence, shapeType: shape.type, span: span, started: ContinuousClock.Instant.now)
        try await store.beginStep(StepID(run: run.id, sequence: sequence), shapeID: shape.id, shapeType: shape.type,
                                  inputCount: input.count, inputBytes: bytes, now: engine.now())
        engine.onEvent(.stepStarted(runID: run.id, sequence: sequence, shapeID: shape.id, inputCount: input.count))
    }

    /// Ends the open step's span and records its duration (`skein_step_duration_seconds`).
    private func closeStep(_ sequence: Int, _ outcome: StepOutcome) {
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

    private func finish(_ sequence: Int, _ shape: ShapeDefinition, path: String, _ outcome: StepOutcome, at time: Date? = nil) async throws {
        var outcome = outcome
        outcome.path = path
        let produced = outcome.outputs
        let (stored, sizes) = PayloadHandoff.storageForm(produced)
        outcome.outputs = stored
        try await store.finishStep(StepID(run: run.id, sequence: sequence), outcome: outcome, now: time ?? engine.now())
        closeStep(sequence, outcome)
        let created = Dictionary(grouping: outcome.syncEntries, by: \.status)
        for (status, entries) in created { SkeinMetric.syncEntries.increment(flow.id, status.rawValue, by: entries.count) }
        if !produced.isEmpty { handoff.keep(sequence: sequence, payloads: produced, sizes: sizes) }
        engine.onEvent(.stepFinished(runID: run.id, sequence: sequence, shapeID: shape.id, status: outcome.status, outputCount: outcome.outputs.count))
    }

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
                throw StorageError(.corrupt, "step \(ref.sequence) of run \(run.id) stored \(stored.count) payloads, \(ref.start + ref.count) were expected"
                                   + (run.payloadsExpired ? " (its payloads expired)" : ""))
            }
            payloads += stored[ref.start..<(ref.start + ref.count)]
        }
        return payloads
    }

    static func list(_ indexes: [Int]) -> String {
        indexes.prefix(10).map(String.init).joined(separator: ", ") + (indexes.count > 10 ? ", …" : "")
    }
}

extension PayloadBucket {
    static func single(_ ref: PayloadRef) -> PayloadBucket {
        var bucket = PayloadBucket.empty
        bucket.append(ref)
        return bucket
    }
}
