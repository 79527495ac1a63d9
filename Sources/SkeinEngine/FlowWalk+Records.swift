import Foundation
import SkeinCore
import SkeinInstrumentation
import SkeinJSON
import SkeinStorage

/// How each way a step can end is written to the run log: status, attempts, outputs, warnings,
/// calls, sync entries, variables and the details a person (and `runs retry`) reads back.
extension FlowWalk {
    /// Records how `step` ended, as the planner asked; returns how many outputs it stored.
    func record(_ step: PlannedStep, _ end: StepEnd) async throws -> Int {
        let resumed = step.resumed ? ["resumed after the process running this step stopped (pick-up \(run.claims))"] : []
        let input: JSON.Object = ["input": step.input.json]
        switch end {
        case .succeeded(let attempts, let caught):
            var warnings = resumed + produced.warnings
            var details = shapeDetails(step)
            if !caught.isEmpty {
                details["caught"] = Self.caughtJSON(caught)
                warnings.append(caughtWarning(step, caught))
            }
            let finishedAt = engine.now()
            let sync = SyncEntryMaker(retryLimit: flow.syncRetries, backoff: engine.syncBackoff).entries(for: produced.syncItems, now: finishedAt)
            if let warning = sync.warning { warnings.append(warning) }
            return try await finish(
                step,
                StepOutcome(
                    status: .success, attempts: attempts, outputs: produced.outputs, warnings: warnings, calls: recorder.drain() + produced.calls,
                    syncEntries: sync.entries, variables: produced.variables, details: .object(details)), at: finishedAt)

        case .failed(let failure, let attempts, let caught) where !caught.isEmpty:
            // Inside try, every payload failed: the step failed, its payloads went to catch, and the run goes on.
            var details = shapeDetails(step)
            details["caught"] = Self.caughtJSON(caught)
            return try await finish(
                step,
                StepOutcome(
                    status: .failure, attempts: attempts, error: failure.message, errorDetails: failure.details,
                    warnings: resumed + produced.warnings + [caughtWarning(step, caught)], calls: recorder.drain() + produced.calls,
                    details: .object(details)))

        case .failed(let failure, let attempts, _):
            return try await finish(
                step,
                StepOutcome(
                    status: .failure, attempts: attempts, error: failure.message, errorDetails: failure.details, warnings: resumed,
                    calls: recorder.drain(), details: .object(input)))

        case .stopped(let reason, let attempts):
            return try await finish(
                step,
                StepOutcome(
                    status: .stopped, attempts: attempts, error: reason, calls: recorder.drain(),
                    details: .object(input)))

        case .skipped:
            return try await finish(
                step,
                StepOutcome(
                    status: .skipped, attempts: 0, outputs: try await self.input(of: step),
                    warnings: resumed + ["shape skipped (skip: true); its input passed through"], details: .object(input)))

        case .routed(let shares):
            return try await finish(step, routeOutcome(step, shares, warnings: resumed))

        case .branched:
            let names = (step.shape.structure?.children ?? []).map { JSON.string($0.name) }
            return try await finish(
                step,
                StepOutcome(
                    status: .success, attempts: 1, warnings: resumed,
                    details: ["branches": .array(names), "input": step.input.json]))

        case .caught(let caught):
            let wrapped = try await wrap(caught)
            var warnings = resumed
            if !wrapped.isEmpty {
                warnings.append("\(wrapped.count) payload\(wrapped.count == 1 ? "" : "s") failed in the try part and went to catch")
            }
            return try await finish(
                step,
                StepOutcome(
                    status: .success, attempts: 1, outputs: wrapped, warnings: warnings,
                    details: [
                        "caught": .array(caught.map { ["step": .string($0.step), "path": .string($0.path), "message": .string($0.message)] }),
                        "input": step.input.json,
                    ]))
        }
    }

    /// `input`, then what the shape's calls reported (`shape`: one object, or one per call).
    private func shapeDetails(_ step: PlannedStep) -> JSON.Object {
        var details: JSON.Object = ["input": step.input.json]
        if !produced.details.isEmpty { details["shape"] = produced.details.count == 1 ? produced.details[0] : .array(produced.details) }
        return details
    }

    private static func caughtJSON(_ caught: [CaughtFailure]) -> JSON {
        .array(caught.map { ["index": .number(Double($0.index ?? -1)), "message": .string($0.failure.message)] })
    }

    private func caughtWarning(_ step: PlannedStep, _ caught: [CaughtFailure]) -> String {
        let calls = max(1, step.input.count)
        return "\(caught.count) of \(calls) payload\(calls == 1 ? "" : "s") failed and went to catch: "
            + caught.prefix(3).map { "payload \($0.index ?? -1): \($0.failure.message)" }.joined(separator: "; ")
    }

    private func routeOutcome(_ step: PlannedStep, _ shares: RouteShares, warnings resumed: [String]) -> StepOutcome {
        var warnings = resumed
        if !shares.unrouted.isEmpty {
            let count = shares.unrouted.count
            warnings.append(
                "\(count) payload\(count == 1 ? "" : "s") matched no branch and went no further (payloads \(Self.list(shares.unrouted))); add otherwise: to handle them"
            )
        }
        let children = step.shape.structure?.children ?? []
        var details: JSON.Object = [
            "mode": .string({ if case .route(let block)? = step.shape.structure { block.mode.rawValue } else { "" } }()),
            "children": .array(
                children.enumerated().map { position, child in
                    [
                        "name": .string(child.name),
                        "payloads": .array((position < shares.children.count ? shares.children[position] : []).map { .number(Double($0)) }),
                    ]
                }),
            "unrouted": .array(shares.unrouted.map { .number(Double($0)) }),
            "input": step.input.json,
        ]
        if !shares.caught.isEmpty { details["caught"] = Self.caughtJSON(shares.caught) }
        return StepOutcome(status: .success, attempts: 1, warnings: warnings, details: .object(details))
    }

    /// Each caught payload as `{"payload": …, "error": {"step", "path", "message"}}` (a payload
    /// that is not JSON goes as text, with its `content_type`).
    private func wrap(_ caught: [CaughtPayload]) async throws -> [Payload] {
        var wrapped: [Payload] = []
        for item in caught {
            var original: JSON = .null
            var contentType: String?
            if let ref = item.ref, let payload = try await materialize(PayloadBucket.single(ref)).first {
                if let document = try? payload.json() {
                    original = document
                } else {
                    original = .string(String(decoding: payload.bytes(), as: UTF8.self))
                    contentType = payload.contentType
                }
            }
            var object: JSON.Object = [
                "payload": original,
                "error": ["step": .string(item.step), "path": .string(item.path), "message": .string(item.message)],
            ]
            if let contentType { object["content_type"] = .string(contentType) }
            wrapped.append(Payload(json: .object(object)))
        }
        return wrapped
    }

    /// Writes the step's end with its outputs (serialised once, kept in memory for the next step).
    private func finish(_ step: PlannedStep, _ outcome: StepOutcome, at time: Date? = nil) async throws -> Int {
        var outcome = outcome
        outcome.path = step.path
        var produced = outcome.outputs
        let (stored, sizes) = PayloadHandoff.storageForm(&produced)
        outcome.outputs = stored
        // Committed with the next step's start or the run's end (`commitPending`).
        let finished = outcome
        hold(.finishStep(StepID(run: run.id, sequence: step.sequence), outcome: outcome, now: time ?? engine.now())) {
            closeStep(step.sequence, finished)
            let created = Dictionary(grouping: finished.syncEntries, by: \.status)
            for (status, entries) in created { SkeinMetric.syncEntries.increment(flow.id, status.rawValue, by: entries.count) }
            engine.onEvent(
                .stepFinished(
                    runID: run.id, sequence: step.sequence, shapeID: step.shape.id, status: finished.status,
                    outputCount: finished.outputs.count))
        }
        if !produced.isEmpty { handoff.keep(sequence: step.sequence, payloads: produced, sizes: sizes) }
        releaseInput()
        self.produced = ProducedSoFar()
        return outcome.outputs.count
    }

    static func list(_ indexes: [Int]) -> String {
        indexes.prefix(10).map(String.init).joined(separator: ", ") + (indexes.count > 10 ? ", …" : "")
    }
}
