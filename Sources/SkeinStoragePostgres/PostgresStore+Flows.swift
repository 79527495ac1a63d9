import Foundation
import PostgresNIO
import SkeinCore
import SkeinStorage

extension PostgresStore: FlowStore {
    public func deploy(_ definition: FlowDefinition, source: String, now: Date) async throws -> (flow: DeployedFlow, isNew: Bool) {
        let flowID = definition.id
        let limit = definition.maxConcurrentRuns
        let logger = logger
        let (version, isNew, enabled, deployedAt) = try await transaction { connection -> (Int, Bool, Bool, Date) in
            // Creating the row first (version 0) and locking it serialises concurrent deploys of one flow.
            try await connection.run(
                """
                INSERT INTO flows (flow_id, latest_version, enabled) VALUES (\(flowID), 0, true) ON CONFLICT (flow_id) DO NOTHING
                """, logger: logger)
            let state = try await connection.rows(
                "SELECT latest_version, enabled FROM flows WHERE flow_id = \(flowID) FOR UPDATE",
                logger: logger)[0]
            let latest: Int = try state["latest_version"]
            let enabled: Bool = try state["enabled"]
            try await connection.run("UPDATE flows SET max_concurrent_runs = \(limit) WHERE flow_id = \(flowID)", logger: logger)
            if latest > 0,
                let current = try await connection.rows(
                    """
                    SELECT source, deployed_at FROM flow_versions WHERE flow_id = \(flowID) AND version = \(latest)
                    """, logger: logger
                ).first, try current["source", as: String.self] == source
            {
                return (latest, false, enabled, try current.date("deployed_at"))
            }
            let next = latest + 1
            try await connection.run(
                """
                INSERT INTO flow_versions (flow_id, version, source, deployed_at) VALUES (\(flowID), \(next), \(source), \(now.pgValue))
                """, logger: logger)
            try await connection.run("UPDATE flows SET latest_version = \(next) WHERE flow_id = \(flowID)", logger: logger)
            return (next, true, enabled, now)
        }
        return (DeployedFlow(flowID: flowID, version: version, source: source, definition: definition, deployedAt: deployedAt, enabled: enabled), isNew)
    }

    public func flow(id: String, version: Int?) async throws -> DeployedFlow? {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                SELECT v.flow_id, v.version, v.source, v.deployed_at, f.enabled FROM flows f
                JOIN flow_versions v ON v.flow_id = f.flow_id AND v.version = COALESCE(\(version), f.latest_version)
                WHERE f.flow_id = \(id)
                """, logger: logger
            ).first.map(PostgresStore.deployedFlow)
        }
    }

    public func flows() async throws -> [DeployedFlow] {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                SELECT v.flow_id, v.version, v.source, v.deployed_at, f.enabled FROM flows f
                JOIN flow_versions v ON v.flow_id = f.flow_id AND v.version = f.latest_version ORDER BY f.flow_id
                """, logger: logger
            ).map(PostgresStore.deployedFlow)
        }
    }

    public func versions(of flowID: String) async throws -> [DeployedFlow] {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                SELECT v.flow_id, v.version, v.source, v.deployed_at, f.enabled FROM flow_versions v
                JOIN flows f ON f.flow_id = v.flow_id WHERE v.flow_id = \(flowID) ORDER BY v.version DESC
                """, logger: logger
            ).map(PostgresStore.deployedFlow)
        }
    }

    public func setEnabled(flowID: String, enabled: Bool) async throws {
        let logger = logger
        let changed = try await connection { connection in
            try await connection.rows("UPDATE flows SET enabled = \(enabled) WHERE flow_id = \(flowID) RETURNING 1", logger: logger).count
        }
        if changed == 0 { throw StorageError(.notFound, "no flow with id '\(flowID)'") }
    }

    public func draft(of flowID: String) async throws -> FlowDraft? {
        let logger = logger
        return try await connection { connection in
            try await connection.rows("SELECT * FROM flow_drafts WHERE flow_id = \(flowID)", logger: logger).first.map(PostgresStore.draft)
        }
    }

    public func drafts() async throws -> [FlowDraft] {
        let logger = logger
        return try await connection { connection in
            try await connection.rows("SELECT * FROM flow_drafts ORDER BY flow_id", logger: logger).map(PostgresStore.draft)
        }
    }

    public func saveDraft(_ draft: FlowDraft) async throws {
        let logger = logger
        try await connection { connection in
            try await connection.run(
                """
                INSERT INTO flow_drafts (flow_id, source, base_version, updated_by, updated_at)
                VALUES (\(draft.flowID), \(draft.source), \(draft.baseVersion), \(draft.updatedBy), \(draft.updatedAt.pgValue))
                ON CONFLICT (flow_id) DO UPDATE SET source = excluded.source, base_version = excluded.base_version,
                    updated_by = excluded.updated_by, updated_at = excluded.updated_at
                """, logger: logger)
        }
    }

    public func deleteDraft(of flowID: String, ifSourceIs source: String?) async throws -> Bool {
        let logger = logger
        return try await connection { connection in
            if let source {
                return try await connection.rows(
                    """
                    DELETE FROM flow_drafts WHERE flow_id = \(flowID) AND source = \(source) RETURNING 1
                    """, logger: logger
                ).count == 1
            }
            return try await connection.rows("DELETE FROM flow_drafts WHERE flow_id = \(flowID) RETURNING 1", logger: logger).count == 1
        }
    }

    static func draft(_ row: PGRow) throws -> FlowDraft {
        FlowDraft(
            flowID: try row["flow_id"], source: try row["source"], baseVersion: try row.optional("base_version", as: Int.self),
            updatedBy: try row["updated_by"], updatedAt: try row.date("updated_at"))
    }

    public func claimScheduleTick(flowID: String, tick: Date) async throws -> Bool {
        let logger = logger
        return try await connection { connection in
            // The primary key makes the claim unique: exactly one scheduler's insert returns a row.
            try await connection.rows(
                """
                INSERT INTO schedule_ticks (flow_id, tick) VALUES (\(flowID), \(tick.pgValue)) ON CONFLICT DO NOTHING RETURNING 1
                """, logger: logger
            ).count == 1
        }
    }

    /// A stored version's row as a deployed flow (its text decoded once per process: `StoredFlowDecoder`).
    static func deployedFlow(_ row: PGRow) throws -> DeployedFlow {
        let source: String = try row["source"]
        let flowID: String = try row["flow_id"]
        let version: Int = try row["version"]
        let definition = try StoredFlowDecoder.definition(flowID: flowID, version: version, source: source)
        return DeployedFlow(
            flowID: flowID, version: version, source: source, definition: definition,
            deployedAt: try row.date("deployed_at"), enabled: try row["enabled"])
    }
}
