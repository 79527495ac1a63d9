import Foundation
public import SkeinCore
import SkeinEngine
import SkeinJSON
import SkeinStorage

/// Flows: list and read them; deploy a flow file, enable or disable one, skip a shape (each a
/// new version); start a run by hand with given data from a given step.
public struct FlowOperations: Sendable {
    let store: any FlowReader & FlowWriter & RunIntake
    let catalog: ShapeCatalog
    let audit: AuditTrail
    let now: @Sendable () -> Date

    public func list(_ caller: Identity?) async throws -> [DeployedFlow] {
        try Permission.read.require(caller)
        return try await store.flows()
    }

    /// The latest version, or `version`.
    public func flow(_ caller: Identity?, _ id: String, version: Int? = nil) async throws -> DeployedFlow {
        try Permission.read.require(caller)
        guard let flow = try await store.flow(id: id, version: version) else {
            throw OperationError.notFound(version.map { "flow '\(id)' has no version \($0)" } ?? "no deployed flow '\(id)'")
        }
        return flow
    }

    public func versions(_ caller: Identity?, _ id: String) async throws -> [DeployedFlow] {
        let latest = try await flow(caller, id)
        return try await store.versions(of: latest.flowID)
    }

    /// Validates a flow file against the catalog and stores it as the flow's next version
    /// (builder). `isNew` is false when the text equals the latest version.
    public func deploy(
        _ caller: Identity?, text: String, source: String? = nil, catalog: ShapeCatalog? = nil, enabled: Bool = true,
        action: String = "flow.deploy", details: JSON.Object? = nil
    ) async throws -> (flow: DeployedFlow, isNew: Bool) {
        let caller = try Permission.build.require(caller)
        let definition: FlowDefinition
        do { definition = try FlowFile.decode(text, source: source, catalog: catalog ?? self.catalog) } catch {
            throw OperationError.invalidFlow(error.description, problems: error.problems)
        }
        let (flow, isNew) = try await store.deploy(definition, source: text, now: now())
        if !enabled { try await store.setEnabled(flowID: flow.flowID, enabled: false) }
        if isNew {
            var details = details ?? [:]
            details["version"] = .number(Double(flow.version))
            try await audit.record(caller, action, target: "flow:\(flow.flowID)", details: details)
        }
        return (flow, isNew)
    }

    /// Turns a flow's schedule and webhook on or off (builder).
    public func setEnabled(_ caller: Identity?, _ id: String, enabled: Bool) async throws -> DeployedFlow {
        let caller = try Permission.build.require(caller)
        let flow = try await flow(caller, id)
        try await store.setEnabled(flowID: flow.flowID, enabled: enabled)
        try await audit.record(caller, enabled ? "flow.enable" : "flow.disable", target: "flow:\(flow.flowID)")
        return flow
    }

    /// Deploys a new version whose only change is the shape's `skip` (builder).
    public func setSkip(_ caller: Identity?, _ id: String, shape: String, skip: Bool) async throws -> (flow: DeployedFlow, isNew: Bool) {
        let caller = try Permission.build.require(caller)
        let flow = try await flow(caller, id)
        let source: String
        do { source = try FlowSkipEdit.source(flow.source, settingSkip: skip, onShape: shape) } catch {
            throw OperationError.notFound("flow '\(flow.flowID)' has no shape '\(shape)'")
        }
        return try await deploy(
            caller, text: source, source: "flow '\(flow.flowID)'", action: skip ? "flow.skip" : "flow.unskip",
            details: ["shape": .string(shape), "skip": .bool(skip)])
    }

    /// Starts a run of the latest version (or `version`) with `input`, entering at `fromStep`
    /// (nil: the first shape) — "initialise flow with data" (operator).
    public func run(
        _ caller: Identity?, _ id: String, version: Int? = nil, fromStep: String? = nil, input: [Payload] = [],
        trigger: TriggerKind? = nil, launcher: any RunLauncher
    ) async throws -> RunRecord {
        let caller = try Permission.operate.require(caller)
        let flow = try await flow(caller, id, version: version)
        let plan: NewRun
        do {
            plan = try ManualRun.plan(
                flow, fromStep: fromStep, input: input,
                trigger: trigger ?? (caller.method == .token ? .api : .manual))
        } catch let error as RecoveryError {
            throw OperationError.invalid("step", error.message)
        }
        let record = try await launcher.launch(plan)
        try await audit.record(
            caller, "flow.run", target: "flow:\(flow.flowID)",
            details: ["new_run": .number(Double(record.id.rawValue)), "step": fromStep.map(JSON.string) ?? .null])
        return record
    }
}
