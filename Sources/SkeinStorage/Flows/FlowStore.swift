public import Foundation
public import SkeinCore

/// Reads deployed flow versions: what the engine runs and what the surfaces list.
public protocol FlowReader: Sendable {
    /// The latest version, or a given one.
    func flow(id: String, version: Int?) async throws -> DeployedFlow?
    /// The latest version of every flow.
    func flows() async throws -> [DeployedFlow]
    /// Every version of a flow, newest first.
    func versions(of flowID: String) async throws -> [DeployedFlow]
}

/// Deploys flow versions and switches their triggers on and off.
public protocol FlowWriter: Sendable {
    /// Stores a new version of the flow unless the text is the same as the latest version's.
    /// Returns the deployed version and whether it is new.
    func deploy(_ definition: FlowDefinition, source: String, now: Date) async throws -> (flow: DeployedFlow, isNew: Bool)
    /// Throws `StorageError(.notFound)` when there is no such flow.
    func setEnabled(flowID: String, enabled: Bool) async throws
}

/// The schedulers' shared record of cron ticks already fired.
public protocol ScheduleTickStore: Sendable {
    /// Claims the right to fire `flowID`'s schedule for the tick at `tick`; true exactly once per tick across processes.
    func claimScheduleTick(flowID: String, tick: Date) async throws -> Bool
}

/// Everything about flows: versions, triggers and schedule ticks.
public protocol FlowStore: FlowReader, FlowWriter, ScheduleTickStore {}
