import Foundation
import SkeinCore
import SkeinStorage

/// Flows: one row per flow (latest version, enabled, `max_concurrent_runs`) and its versions' texts.
struct FlowTables {
    struct Flow {
        var latestVersion: Int
        var enabled: Bool
        var maxConcurrentRuns: Int?
    }

    struct Version {
        var source: String
        var deployedAt: Date
    }

    struct Tick: Hashable {
        var flowID: String
        var tick: Double
    }

    var flows: [String: Flow] = [:]
    var versions: [String: [Int: Version]] = [:]
    var ticks: Set<Tick> = []
    var drafts: [String: FlowDraft] = [:]

    /// A stored version as a deployed flow, its text read back as the disk backends read it
    /// (`StoredFlowDecoder`: the permissive catalog, decoded once per process).
    func deployed(_ flowID: String, version: Int) throws -> DeployedFlow? {
        guard let flow = flows[flowID], let stored = versions[flowID]?[version] else { return nil }
        let definition = try StoredFlowDecoder.definition(flowID: flowID, version: version, source: stored.source)
        return DeployedFlow(
            flowID: flowID, version: version, source: stored.source, definition: definition, deployedAt: stored.deployedAt,
            enabled: flow.enabled)
    }
}

extension MemoryStore: FlowStore {
    public func deploy(_ definition: FlowDefinition, source: String, now: Date) async throws -> (flow: DeployedFlow, isNew: Bool) {
        let flowID = definition.id
        let (version, isNew, enabled, deployedAt) = try transaction { state -> (Int, Bool, Bool, Date) in
            guard var flow = state.flows.flows[flowID] else {
                state.flows.flows[flowID] = FlowTables.Flow(latestVersion: 1, enabled: true, maxConcurrentRuns: definition.maxConcurrentRuns)
                state.flows.versions[flowID] = [1: FlowTables.Version(source: source, deployedAt: storedTime(now))]
                return (1, true, true, storedTime(now))
            }
            flow.maxConcurrentRuns = definition.maxConcurrentRuns
            defer { state.flows.flows[flowID] = flow }
            if let latest = state.flows.versions[flowID]?[flow.latestVersion], latest.source == source {
                return (flow.latestVersion, false, flow.enabled, latest.deployedAt)
            }
            flow.latestVersion += 1
            state.flows.versions[flowID, default: [:]][flow.latestVersion] = FlowTables.Version(source: source, deployedAt: storedTime(now))
            return (flow.latestVersion, true, flow.enabled, storedTime(now))
        }
        return (
            DeployedFlow(flowID: flowID, version: version, source: source, definition: definition, deployedAt: deployedAt, enabled: enabled),
            isNew
        )
    }

    public func flow(id: String, version: Int?) async throws -> DeployedFlow? {
        try transaction { state in
            guard let latest = state.flows.flows[id]?.latestVersion else { return nil }
            return try state.flows.deployed(id, version: version ?? latest)
        }
    }

    public func flows() async throws -> [DeployedFlow] {
        try transaction { state in
            try state.flows.flows.keys.sorted(by: byteOrder).compactMap { id in
                try state.flows.deployed(id, version: state.flows.flows[id]!.latestVersion)
            }
        }
    }

    public func versions(of flowID: String) async throws -> [DeployedFlow] {
        try transaction { state in
            try (state.flows.versions[flowID]?.keys.sorted(by: >) ?? []).compactMap { try state.flows.deployed(flowID, version: $0) }
        }
    }

    public func setEnabled(flowID: String, enabled: Bool) async throws {
        try transaction { state in
            guard state.flows.flows[flowID] != nil else { throw StorageError(.notFound, "no flow with id '\(flowID)'") }
            state.flows.flows[flowID]!.enabled = enabled
        }
    }

    public func draft(of flowID: String) async throws -> FlowDraft? {
        try transaction { state in state.flows.drafts[flowID] }
    }

    public func drafts() async throws -> [FlowDraft] {
        try transaction { state in state.flows.drafts.keys.sorted(by: byteOrder).map { state.flows.drafts[$0]! } }
    }

    public func saveDraft(_ draft: FlowDraft) async throws {
        var stored = draft
        stored.updatedAt = storedTime(draft.updatedAt)
        try transaction { state in state.flows.drafts[draft.flowID] = stored }
    }

    public func deleteDraft(of flowID: String, ifSourceIs source: String?) async throws -> Bool {
        try transaction { state in
            guard let draft = state.flows.drafts[flowID], source == nil || draft.source == source else { return false }
            state.flows.drafts[flowID] = nil
            return true
        }
    }

    public func claimScheduleTick(flowID: String, tick: Date) async throws -> Bool {
        try transaction { state in state.flows.ticks.insert(FlowTables.Tick(flowID: flowID, tick: tick.timeIntervalSince1970)).inserted }
    }
}
