public import SkeinCore
import SkeinStorage

/// Runs a deployed flow's shapes one after another **without a run log**: the same prepared
/// executors `RunExecutor` uses, the same payloads handed from step to step, but no store call
/// (no run, step, payload or sync entry is written; no retries).
///
/// This is not a way to run flows in production — nothing would survive a crash. It is the
/// baseline of `skein bench flow`: the difference between it and a real run is what keeping
/// the run log costs.
public struct UnloggedRun: Sendable {
    public let executor: RunExecutor

    public init(executor: RunExecutor) {
        self.executor = executor
    }

    /// What went through: the last step's payloads and every sync item the steps reported.
    public struct Outcome: Sendable {
        public var outputs: Int
        public var syncItems: Int
        public var acceptedSyncItems: Int
    }

    /// Executes every shape of `deployed` in order with `input`; a step failure is thrown.
    /// Only flat flows (no `route`, `branch` or `try`): it is a benchmark baseline, not an engine.
    public func run(_ deployed: DeployedFlow, input: [Payload] = [], runID: RunID = 0) async throws -> Outcome {
        let prepared = try executor.prepareTree(deployed)
        let flow = prepared.flow
        var payloads = input
        var items = 0, accepted = 0
        for shape in flow.shapes {
            guard let step = prepared.executors[shape.id] else {
                throw ShapeFailure("an unlogged run handles flat flows only; '\(shape.id)' is a \(shape.type)")
            }
            let context = ShapeContext(runID: runID, flowID: flow.id, shapeID: shape.id, instances: executor.instances)
            let result = try await step.execute(payloads, context: context)
            items += result.syncItems.count
            accepted += result.syncItems.filter { $0.outcome == .accepted }.count
            payloads = result.outputs
        }
        return Outcome(outputs: payloads.count, syncItems: items, acceptedSyncItems: accepted)
    }
}
