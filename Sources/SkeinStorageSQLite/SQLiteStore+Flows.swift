import Foundation
import GRDB
import SkeinCore
import SkeinStorage

extension SQLiteStore: FlowStore {
    public func deploy(_ definition: FlowDefinition, source: String, now: Date) async throws -> (flow: DeployedFlow, isNew: Bool) {
        let flowID = definition.id
        let limit = definition.maxConcurrentRuns
        let (version, isNew, enabled, deployedAt) = try await write { db -> (Int, Bool, Bool, Date) in
            let state = try Row.fetchOne(db, sql: "SELECT latest_version, enabled FROM flows WHERE flow_id = ?", arguments: [flowID])
            if let state {
                try db.execute(sql: "UPDATE flows SET max_concurrent_runs = ? WHERE flow_id = ?", arguments: [limit, flowID])
                let latest: Int = state["latest_version"]
                let enabled: Bool = state["enabled"]
                let current = try Row.fetchOne(
                    db, sql: "SELECT source, deployed_at FROM flow_versions WHERE flow_id = ? AND version = ?",
                    arguments: [flowID, latest])
                if let current, (current["source"] as String) == source {
                    return (latest, false, enabled, Date(storageValue: current["deployed_at"]))
                }
                try db.execute(
                    sql: "INSERT INTO flow_versions (flow_id, version, source, deployed_at) VALUES (?, ?, ?, ?)",
                    arguments: [flowID, latest + 1, source, now.storageValue])
                try db.execute(sql: "UPDATE flows SET latest_version = ? WHERE flow_id = ?", arguments: [latest + 1, flowID])
                return (latest + 1, true, enabled, now)
            }
            try db.execute(
                sql: "INSERT INTO flow_versions (flow_id, version, source, deployed_at) VALUES (?, 1, ?, ?)",
                arguments: [flowID, source, now.storageValue])
            try db.execute(
                sql: "INSERT INTO flows (flow_id, latest_version, enabled, max_concurrent_runs) VALUES (?, 1, 1, ?)",
                arguments: [flowID, limit])
            return (1, true, true, now)
        }
        return (DeployedFlow(flowID: flowID, version: version, source: source, definition: definition, deployedAt: deployedAt, enabled: enabled), isNew)
    }

    public func flow(id: String, version: Int?) async throws -> DeployedFlow? {
        // Every run reads its flow version: the statement stays prepared on each read connection.
        try await read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT v.flow_id, v.version, v.source, v.deployed_at, f.enabled FROM flows f
                        JOIN flow_versions v ON v.flow_id = f.flow_id AND v.version = COALESCE(?, f.latest_version)
                        WHERE f.flow_id = ?
                        """), arguments: [version, id]
            ).map(SQLiteStore.deployedFlow)
        }
    }

    public func flows() async throws -> [DeployedFlow] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT v.flow_id, v.version, v.source, v.deployed_at, f.enabled FROM flows f
                    JOIN flow_versions v ON v.flow_id = f.flow_id AND v.version = f.latest_version ORDER BY f.flow_id
                    """
            ).map(SQLiteStore.deployedFlow)
        }
    }

    public func versions(of flowID: String) async throws -> [DeployedFlow] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT v.flow_id, v.version, v.source, v.deployed_at, f.enabled FROM flow_versions v
                    JOIN flows f ON f.flow_id = v.flow_id WHERE v.flow_id = ? ORDER BY v.version DESC
                    """, arguments: [flowID]
            ).map(SQLiteStore.deployedFlow)
        }
    }

    public func setEnabled(flowID: String, enabled: Bool) async throws {
        let changed = try await write { db -> Int in
            try db.execute(sql: "UPDATE flows SET enabled = ? WHERE flow_id = ?", arguments: [enabled, flowID])
            return db.changesCount
        }
        if changed == 0 { throw StorageError(.notFound, "no flow with id '\(flowID)'") }
    }

    public func draft(of flowID: String) async throws -> FlowDraft? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM flow_drafts WHERE flow_id = ?", arguments: [flowID]).map(SQLiteStore.draft)
        }
    }

    public func drafts() async throws -> [FlowDraft] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM flow_drafts ORDER BY flow_id").map(SQLiteStore.draft) }
    }

    public func saveDraft(_ draft: FlowDraft) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO flow_drafts (flow_id, source, base_version, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (flow_id) DO UPDATE SET source = excluded.source, base_version = excluded.base_version,
                        updated_by = excluded.updated_by, updated_at = excluded.updated_at
                    """, arguments: [draft.flowID, draft.source, draft.baseVersion, draft.updatedBy, draft.updatedAt.storageValue])
        }
    }

    public func deleteDraft(of flowID: String, ifSourceIs source: String?) async throws -> Bool {
        try await write { db -> Bool in
            if let source {
                try db.execute(sql: "DELETE FROM flow_drafts WHERE flow_id = ? AND source = ?", arguments: [flowID, source])
            } else {
                try db.execute(sql: "DELETE FROM flow_drafts WHERE flow_id = ?", arguments: [flowID])
            }
            return db.changesCount == 1
        }
    }

    static func draft(_ row: Row) -> FlowDraft {
        FlowDraft(
            flowID: row["flow_id"], source: row["source"], baseVersion: row["base_version"], updatedBy: row["updated_by"],
            updatedAt: Date(storageValue: row["updated_at"]))
    }

    public func claimScheduleTick(flowID: String, tick: Date) async throws -> Bool {
        try await write { db -> Bool in
            try db.execute(sql: "INSERT OR IGNORE INTO schedule_ticks (flow_id, tick) VALUES (?, ?)", arguments: [flowID, tick.storageValue])
            return db.changesCount == 1
        }
    }

    /// A stored version's row as a deployed flow (its text decoded once per process: `StoredFlowDecoder`).
    static func deployedFlow(_ row: Row) throws -> DeployedFlow {
        let source: String = row["source"]
        let flowID: String = row["flow_id"]
        let version: Int = row["version"]
        let definition = try StoredFlowDecoder.definition(flowID: flowID, version: version, source: source)
        return DeployedFlow(
            flowID: flowID, version: version, source: source, definition: definition,
            deployedAt: Date(storageValue: row["deployed_at"]), enabled: row["enabled"])
    }
}
