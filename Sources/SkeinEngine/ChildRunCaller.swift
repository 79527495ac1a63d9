import Foundation
import SkeinCore
import SkeinStorage

/// Starts the child runs of `run_flow` steps for one calling run.
///
/// A child run has trigger `flow` and `originRunID` = the calling run, so `runs show` links
/// them both ways. Before starting one it walks up the chain of calling runs: a flow already in
/// the chain (A → B → A) or a chain `RunFlowShape.maximumDepth` long is refused.
struct ChildRunCaller: FlowCaller {
    let engine: RunExecutor
    let parent: RunRecord

    func call(flowID: String, version: Int?, payload: Payload, timeout: Duration, context: ShapeContext) async throws -> ChildRun {
        let newRun = try await plan(flowID: flowID, version: version, payload: payload)
        let runner = InProcessRun(executor: engine, owner: "\(parent.leaseOwner ?? "run-\(parent.id)")/child-of-\(parent.id)")
        let started = LockedValue<RunID?>(nil)
        let store = engine.store
        let now = engine.now
        do {
            let (finished, outputs) = try await withThrowingTaskGroup(of: (RunRecord, [Payload])?.self) { group in
                group.addTask { try await runner.startCollecting(newRun) { record in started.withLock { $0 = record.id } } }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let result { return result }
                    // Timed out: ask the child to stop at its next step, and wait for it to do so.
                    if let id = started.withLock({ $0 }) { _ = try? await store.requestStop(runID: id, now: now()) }
                    throw ShapeFailure(
                        "run_flow: the run of flow '\(flowID)'\(started.withLock { $0 }.map { " (run \($0))" } ?? "") took longer than \(DurationText.format(timeout)); it was asked to stop"
                    )
                }
                throw CancellationError()
            }
            switch finished.status {
            case .success, .partialSuccess:
                return ChildRun(runID: finished.id, status: finished.status.rawValue, outputs: outputs)
            default:
                throw ShapeFailure(
                    "run_flow: run \(finished.id) of flow '\(flowID)' ended \(finished.status.rawValue): \(finished.error ?? "no reason given")",
                    details: ["child_run": .number(Double(finished.id.rawValue))])
            }
        }
    }

    func queue(flowID: String, version: Int?, payload: Payload, context: ShapeContext) async throws -> ChildRun {
        let record = try await engine.store.enqueue(try await plan(flowID: flowID, version: version, payload: payload), now: engine.now())
        return ChildRun(runID: record.id, status: record.status.rawValue)
    }

    /// The child run to start, after checking the flow exists and the call chain allows it.
    private func plan(flowID: String, version: Int?, payload: Payload) async throws -> NewRun {
        let store = engine.store
        var chain = [parent.flowID]
        var current = parent
        while current.trigger == .flow, let origin = current.originRunID, let caller = try await store.run(id: origin) {
            chain.append(caller.flowID)
            current = caller
        }
        if chain.contains(flowID) {
            throw ShapeFailure(
                "run_flow: flow '\(flowID)' is already running in this chain of calls (\(chain.reversed().joined(separator: " → ")) → \(flowID)); a flow may not call itself"
            )
        }
        if chain.count >= RunFlowShape.maximumDepth {
            throw ShapeFailure(
                "run_flow: calls are nested \(chain.count) deep (\(chain.reversed().joined(separator: " → "))); at most \(RunFlowShape.maximumDepth) are allowed"
            )
        }
        guard let target = try await store.flow(id: flowID, version: version) else {
            throw ShapeFailure("run_flow: no deployed flow '\(flowID)'\(version.map { " version \($0)" } ?? "")")
        }
        return NewRun(
            flowID: target.flowID, flowVersion: target.version, trigger: .flow, priority: target.definition.priority,
            input: [payload], originRunID: parent.id)
    }
}
