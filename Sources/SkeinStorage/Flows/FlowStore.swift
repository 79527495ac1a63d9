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

/// Flows' drafts: at most one per flow, saved over in place (deployed versions never are).
public protocol FlowDraftStore: Sendable {
    /// The flow's draft, if it has one.
    func draft(of flowID: String) async throws -> FlowDraft?
    /// Every draft, by flow id.
    func drafts() async throws -> [FlowDraft]
    /// Stores the draft, replacing the flow's earlier one.
    func saveDraft(_ draft: FlowDraft) async throws
    /// Removes the flow's draft — only while its text is still `source`, when given (so a deploy
    /// never throws away an edit saved after it read the draft); false when nothing was removed.
    @discardableResult
    func deleteDraft(of flowID: String, ifSourceIs source: String?) async throws -> Bool
}

extension FlowDraftStore {
    /// Removes the flow's draft whatever its text; false when it had none.
    @discardableResult
    public func deleteDraft(of flowID: String) async throws -> Bool { try await deleteDraft(of: flowID, ifSourceIs: nil) }
}

/// Everything about flows: versions, drafts, triggers and schedule ticks.
public protocol FlowStore: FlowReader, FlowWriter, FlowDraftStore, ScheduleTickStore {}
