import SkeinCore
public import SkeinStorage

/// Plans the runs that recover a failed sync, from what an earlier run stored — without
/// editing the flow or toggling `skip` on its shapes.
///
/// - A **replay** feeds a stored payload of any step of any run into a new run of the same
///   flow, entering at the step after the one that produced it (or at that step itself).
/// - A **retry** re-runs a failed run from its failed step, with the inputs that step had.
///
/// Both are new runs (trigger `replay` / `retry`) linked to the run they came from, of the
/// same flow version unless the latest is asked for (a corrected version deployed since).
public struct RunRecovery: Sendable {
    /// Where a replay enters the flow, relative to the step whose payload it replays.
    public enum Entry: String, Sendable, CaseIterable {
        /// The step after the one that produced the payload (the usual case).
        case next
        /// The step that produced the payload, fed its own output again.
        case same
    }

    public struct Replay: Sendable {
        public var runID: RunID
        /// The step sequence whose outputs are replayed (0 = the run's input).
        public var sequence: Int
        /// One payload of the step; nil replays all of them.
        public var index: Int?
        public var selection: ItemSelection?
        public var entry: Entry
        public var useLatestVersion: Bool

        public init(
            runID: RunID, sequence: Int, index: Int? = nil, selection: ItemSelection? = nil, entry: Entry = .next,
            useLatestVersion: Bool = false
        ) {
            self.runID = runID; self.sequence = sequence; self.index = index; self.selection = selection
            self.entry = entry; self.useLatestVersion = useLatestVersion
        }
    }

    /// The flow versions and the run log it plans from (the runs it plans are queued by the caller).
    public typealias Store = FlowReader & RunLogReader

    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    public func replay(_ request: Replay) async throws -> NewRun {
        let origin = try await run(request.runID)
        let flow = try await flow(for: origin, latest: request.useLatestVersion)
        var payloads = try await storedPayloads(origin, sequence: request.sequence)
        if let index = request.index {
            guard index >= 0, index < payloads.count else {
                throw RecoveryError("that step of run \(origin.id) has \(payloads.count) payload\(payloads.count == 1 ? "" : "s"); there is no index \(index)")
            }
            payloads = [payloads[index]]
        }
        if let selection = request.selection { payloads = try selection.apply(to: payloads) }

        let entryShape: String
        if request.sequence == 0 {
            entryShape = try shape(origin.entryShapeID ?? flow.definition.shapes.first?.id ?? "", in: flow)
        } else {
            guard let step = try await store.steps(runID: origin.id).first(where: { $0.sequence == request.sequence }) else {
                throw RecoveryError("run \(origin.id) has no step \(request.sequence)")
            }
            let produced = try shape(step.shapeID, in: flow)
            switch request.entry {
            case .same: entryShape = produced
            case .next:
                guard let next = flow.definition.shapeAfter(produced) else {
                    throw RecoveryError(
                        "'\(produced)' is the last step of its path in flow '\(flow.flowID)' v\(flow.version); nothing comes after it (use --at same)")
                }
                entryShape = next.id
            }
        }
        return NewRun(
            flowID: flow.flowID, flowVersion: flow.version, trigger: .replay, priority: flow.definition.priority,
            entryShapeID: entryShape, input: payloads, originRunID: origin.id)
    }

    /// A run that re-executes `runID` from its failed (or stopped) step with the inputs it had.
    public func retry(runID: RunID, useLatestVersion: Bool = false) async throws -> NewRun {
        let origin = try await run(runID)
        guard origin.status == .failure || origin.status == .stopped else {
            throw RecoveryError("run \(origin.id) is \(origin.status.rawValue); only failed or stopped runs are retried (replay a step instead)")
        }
        let flow = try await flow(for: origin, latest: useLatestVersion)
        let steps = try await store.steps(runID: origin.id)
        let entryShape: String
        let inputSequence: Int
        if let broken = steps.last(where: { !Self.finished($0) }) {
            // The step that failed (or was stopped or interrupted), fed what it received.
            return NewRun(
                flowID: flow.flowID, flowVersion: flow.version, trigger: .retry, priority: flow.definition.priority,
                entryShapeID: try shape(broken.shapeID, in: flow), input: try await inputs(of: broken, in: origin, steps: steps),
                originRunID: origin.id)
        } else if let last = steps.last {
            // Stopped between steps: continue after the last one that finished.
            guard let next = flow.definition.shapeAfter(try shape(last.shapeID, in: flow)) else {
                throw RecoveryError("run \(origin.id) has no step left to retry")
            }
            entryShape = next.id
            inputSequence = last.sequence
        } else {
            entryShape = try shape(origin.entryShapeID ?? flow.definition.shapes.first?.id ?? "", in: flow)
            inputSequence = 0
        }
        let input = try await storedPayloads(origin, sequence: inputSequence, allowEmpty: true)
        return NewRun(
            flowID: flow.flowID, flowVersion: flow.version, trigger: .retry, priority: flow.definition.priority,
            entryShapeID: entryShape, input: input, originRunID: origin.id)
    }

    /// The payloads `step` received in `run` (whose steps are `steps`): the slices of stored outputs
    /// its `details.input` names — in a tree the input is not always the previous step's output (a
    /// route's share, joined branches) — else the outputs of the last step before it that finished,
    /// else the run's input. What a retry feeds the failed step, and what the flow builder's preview tries.
    public func inputs(of step: StepRecord, in run: RunRecord, steps: [StepRecord]) async throws -> [Payload] {
        if let refs = PayloadBucket(json: step.details?["input"]) { return try await payloads(of: refs, run: run) }
        let before = steps.last { $0.sequence < step.sequence && Self.finished($0) }
        return try await storedPayloads(run, sequence: before?.sequence ?? 0, allowEmpty: true)
    }

    /// A step that ran to its end (or was skipped): what comes after it received its outputs.
    static func finished(_ step: StepRecord) -> Bool { step.status == .success || step.status == .skipped }

    private func run(_ id: RunID) async throws -> RunRecord {
        guard let run = try await store.run(id: id) else { throw RecoveryError("no run \(id)") }
        return run
    }

    private func flow(for run: RunRecord, latest: Bool) async throws -> DeployedFlow {
        guard let flow = try await store.flow(id: run.flowID, version: latest ? nil : run.flowVersion) else {
            throw RecoveryError("flow '\(run.flowID)'\(latest ? "" : " v\(run.flowVersion)") is not deployed")
        }
        return flow
    }

    private func shape(_ id: String, in flow: DeployedFlow) throws -> String {
        guard flow.definition.shape(withID: id) != nil else {
            throw RecoveryError(
                "flow '\(flow.flowID)' v\(flow.version) has no step '\(id)'; its steps are "
                    + flow.definition.allShapes.map(\.id).joined(separator: ", "))
        }
        return id
    }

    /// The payloads a step received, from the slices of stored outputs its `details.input` names.
    private func payloads(of bucket: PayloadBucket, run: RunRecord) async throws -> [Payload] {
        var payloads: [Payload] = []
        for ref in bucket.refs {
            let stored = try await storedPayloads(run, sequence: ref.sequence, allowEmpty: true)
            guard ref.start + ref.count <= stored.count else {
                throw RecoveryError("step \(ref.sequence) of run \(run.id) no longer has the payloads the failed step received")
            }
            payloads += stored[ref.start..<(ref.start + ref.count)]
        }
        return payloads
    }

    private func storedPayloads(_ run: RunRecord, sequence: Int, allowEmpty: Bool = false) async throws -> [Payload] {
        let payloads = try await store.payloads(of: StepID(run: run.id, sequence: sequence))
        if payloads.isEmpty && run.payloadsExpired {
            throw RecoveryError("the payloads of run \(run.id) have expired (retention); its log remains but there is nothing to replay")
        }
        if payloads.isEmpty && !allowEmpty {
            throw RecoveryError("step \(sequence) of run \(run.id) stored no payloads, so there is nothing to replay")
        }
        return payloads
    }
}
