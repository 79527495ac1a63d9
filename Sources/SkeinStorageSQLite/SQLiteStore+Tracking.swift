import Foundation
import GRDB
import SkeinCore
import SkeinJSON
import SkeinStorage

/// Tracked field values (`track` shape), searchable by value through `tracked_values_by_value`,
/// and a run's flow variables after the steps that set them.
extension SQLiteStore: TrackedDataStore, RunVariableStore {
    public func recordTrackedValues(_ values: [TrackedValue], now: Date) async throws {
        guard !values.isEmpty else { return }
        try await write { db in
            // A step that runs again (retry, resume) replaces what it tracked before.
            for step in Set(values.map { StepKey(runID: $0.runID, shapeID: $0.shapeID) }) {
                try db.execute(sql: "DELETE FROM tracked_values WHERE run_id = ? AND shape_id = ?", arguments: [step.runID, step.shapeID])
            }
            let insert = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO tracked_values (run_id, flow_id, shape_id, payload_idx, field, value, tracked_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
            for value in values {
                try insert.execute(arguments: [
                    value.runID, value.flowID, value.shapeID, value.payloadIndex, value.field, value.value,
                    now.storageValue,
                ])
            }
        }
    }

    private struct StepKey: Hashable {
        var runID: RunID
        var shapeID: String
    }

    public func searchTrackedValues(_ value: String, field: String?, limit: Int) async throws -> [TrackedHit] {
        try await read { db in
            var sql = """
                SELECT t.*, r.status AS run_status FROM tracked_values t LEFT JOIN runs r ON r.id = t.run_id WHERE t.value = ?
                """
            var arguments: StatementArguments = [value]
            if let field {
                sql += " AND t.field = ?"
                arguments += [field]
            }
            sql += " ORDER BY t.tracked_at DESC, t.run_id DESC, t.payload_idx LIMIT ?"
            arguments += [max(1, limit)]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                TrackedHit(
                    value: TrackedValue(
                        runID: row["run_id"], flowID: row["flow_id"], shapeID: row["shape_id"],
                        payloadIndex: row["payload_idx"], field: row["field"], value: row["value"]),
                    trackedAt: row.date("tracked_at") ?? Date(timeIntervalSince1970: 0), runStatus: row["run_status"])
            }
        }
    }

    public func runVariables(runID: RunID, throughSequence sequence: Int) async throws -> [String: JSON]? {
        try await read { db in
            guard
                let text = try String.fetchOne(
                    db,
                    sql: """
                        SELECT variables FROM run_variables WHERE run_id = ? AND sequence <= ? ORDER BY sequence DESC LIMIT 1
                        """, arguments: [runID, sequence])
            else { return nil }
            guard case .object(let members)? = decodeJSON(text) else {
                throw StorageError(.corrupt, "the stored variables of run \(runID) are not a JSON object")
            }
            return Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value) })
        }
    }

    static func saveRunVariables(_ db: Database, runID: RunID, sequence: Int, _ variables: [String: JSON]) throws {
        let object = JSON.object(.init(uniqueKeysWithValues: variables.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
        try db.execute(
            sql: "INSERT OR REPLACE INTO run_variables (run_id, sequence, variables) VALUES (?, ?, ?)",
            arguments: [runID, sequence, object.serialized()])
    }
}
