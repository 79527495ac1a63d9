public import SkeinCore
public import SkeinStorage

/// Plans a run started by hand — `skein run FLOW` and the web UI's "initialise flow with
/// data" — from a deployed flow, an optional start step and optional payloads.
public enum ManualRun {
    /// The run to start: the latest version (or `version`), entering at `fromStep` (nil: the
    /// first shape) with `input`. Throws `RecoveryError` naming the flow or the shapes it has.
    public static func plan(
        store: any FlowReader, flowID: String, version: Int? = nil, fromStep: String? = nil,
        input: [Payload] = [], trigger: TriggerKind = .manual
    ) async throws -> NewRun {
        guard let deployed = try await store.flow(id: flowID, version: version) else {
            throw RecoveryError("no deployed flow '\(flowID)'\(version.map { " version \($0)" } ?? ""); deploy it with `skein flow deploy FILE`")
        }
        return try plan(deployed, fromStep: fromStep, input: input, trigger: trigger)
    }

    /// The run to start from an already loaded version (the API's `POST /flows/{id}/runs`).
    /// Throws `RecoveryError` when `fromStep` is not a shape of the flow, naming the shapes it has.
    public static func plan(
        _ deployed: DeployedFlow, fromStep: String? = nil, input: [Payload] = [],
        trigger: TriggerKind = .manual
    ) throws -> NewRun {
        if let fromStep, deployed.definition.shape(withID: fromStep) == nil {
            throw RecoveryError(
                "flow '\(deployed.flowID)' has no shape '\(fromStep)'; its shapes are \(deployed.definition.allShapes.map(\.id).joined(separator: ", "))")
        }
        return NewRun(
            flowID: deployed.flowID, flowVersion: deployed.version, trigger: trigger, priority: deployed.definition.priority,
            entryShapeID: fromStep, input: input)
    }
}
