import SkeinCore
import SkeinJSON
import SkeinStorage

extension RunExecutor {
    /// The flow variables a run starts (or resumes) with: the flow file's defaults, overlaid with
    /// what `set_variables` steps stored —
    /// - resuming: this run's variables after the step whose outputs are the input;
    /// - a replay or retry (a new run with an origin): the origin run's variables before it first
    ///   reached the entry shape.
    func startingVariables(_ run: RunRecord, flow: FlowDefinition, throughSequence sequence: Int, resuming: Bool) async throws -> [String: JSON] {
        var variables = flow.variables
        var saved: [String: JSON]?
        if resuming {
            saved = try await store.runVariables(runID: run.id, throughSequence: sequence)
        } else if let origin = run.originRunID {
            let originSteps = try await store.steps(runID: origin)
            let entered = run.entryShapeID.flatMap { entry in originSteps.first { $0.shapeID == entry }?.sequence }
            saved = try await store.runVariables(runID: origin, throughSequence: entered.map { $0 - 1 } ?? Int.max)
        }
        for (name, value) in saved ?? [:] { variables[name] = value }
        return variables
    }
}
