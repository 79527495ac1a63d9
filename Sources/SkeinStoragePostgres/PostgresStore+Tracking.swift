import Foundation
import PostgresNIO
import SkeinCore
import SkeinJSON
import SkeinStorage

/// Tracked field values (`track` shape), searchable by value through `tracked_values_by_value`.
/// They go with their run (ON DELETE CASCADE), so retention removes them too.
extension PostgresStore: TrackedDataStore {
    public func recordTrackedValues(_ values: [TrackedValue], now: Date) async throws {
        guard !values.isEmpty else { return }
        let logger = logger
        try await transaction { connection in
            // A step that runs again (retry, resume) replaces what it tracked before.
            for step in Set(values.map { TrackedStep(runID: $0.runID, shapeID: $0.shapeID) }) {
                try await connection.run("DELETE FROM tracked_values WHERE run_id = \(step.runID) AND shape_id = \(step.shapeID)", logger: logger)
            }
            try await connection.run(
                """
                INSERT INTO tracked_values (run_id, flow_id, shape_id, payload_idx, field, value, tracked_at)
                SELECT r, f, s, i, fd, v, \(now.pgValue)
                FROM unnest(\(values.map(\.runID))::bigint[], \(values.map(\.flowID))::text[], \(values.map(\.shapeID))::text[],
                            \(values.map { Int64($0.payloadIndex) })::bigint[], \(values.map(\.field))::text[], \(values.map(\.value))::text[])
                     AS t(r, f, s, i, fd, v)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }

    private struct TrackedStep: Hashable {
        var runID: RunID
        var shapeID: String
    }

    public func searchTrackedValues(_ value: String, field: String?, limit: Int) async throws -> [TrackedHit] {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                SELECT t.*, r.status AS run_status FROM tracked_values t LEFT JOIN runs r ON r.id = t.run_id
                WHERE t.value = \(value) AND (\(field == nil) OR t.field = \(field ?? ""))
                ORDER BY t.tracked_at DESC, t.run_id DESC, t.payload_idx LIMIT \(max(1, limit))
                """, logger: logger
            ).map { row in
                TrackedHit(
                    value: TrackedValue(
                        runID: try row["run_id"], flowID: try row["flow_id"], shapeID: try row["shape_id"],
                        payloadIndex: try row["payload_idx", as: Int.self], field: try row["field"], value: try row["value"]),
                    trackedAt: try row.date("tracked_at"), runStatus: try row.optional("run_status", as: String.self))
            }
        }
    }
}

/// A run's flow variables after the steps that set them: written by `finishStep` in the step's
/// transaction, read back on resume.
extension PostgresStore: RunVariableStore {
    public func runVariables(runID: RunID, throughSequence sequence: Int) async throws -> [String: JSON]? {
        let logger = logger
        return try await connection { connection -> [String: JSON]? in
            guard
                let row = try await connection.rows(
                    """
                    SELECT variables FROM run_variables WHERE run_id = \(runID) AND sequence <= \(sequence) ORDER BY sequence DESC LIMIT 1
                    """, logger: logger
                ).first
            else { return nil }
            guard case .object(let members)? = decodeJSONText(try row["variables", as: String.self]) else {
                throw StorageError(.corrupt, "the stored variables of run \(runID) are not a JSON object")
            }
            return Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value) })
        }
    }

    static func saveRunVariables(
        _ connection: PostgresConnection, runID: RunID, sequence: Int, _ variables: [String: JSON],
        logger: Logger
    ) async throws {
        let object = JSON.object(.init(uniqueKeysWithValues: variables.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
        try await connection.run(
            """
            INSERT INTO run_variables (run_id, sequence, variables) VALUES (\(runID), \(sequence), \(object.serialized()))
            ON CONFLICT (run_id, sequence) DO UPDATE SET variables = excluded.variables
            """, logger: logger)
    }
}
