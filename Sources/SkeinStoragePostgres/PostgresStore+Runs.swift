import Foundation
import NIOCore
import PostgresNIO
import SkeinCore
import SkeinJSON
import SkeinStorage

/// Runs, their steps and payloads. The queue itself (claims, leases) is in PostgresStore+RunQueue.swift.
extension PostgresStore: RunStore {
    static let runColumns = """
        id, flow_id, flow_version, status, trigger, priority, entry_shape_id, origin_run_id, queued_at, started_at, finished_at,
        error, failed_shape_id, has_warnings, stop_requested, lease_owner, lease_expires_at, claims, input_count, payloads_expired,
        trace_parent
        """

    public func enqueue(_ run: NewRun, now: Date) async throws -> RunRecord {
        try await insert(run, status: .queued, owner: nil, leaseUntil: nil, now: now)
    }

    public func startClaimed(_ run: NewRun, owner: String, leaseUntil: Date, now: Date) async throws -> RunRecord {
        try await insert(run, status: .started, owner: owner, leaseUntil: leaseUntil, now: now)
    }

    private func insert(
        _ run: NewRun, status: RunStatus, owner: String?, leaseUntil: Date?, now: Date,
        function: String = #function
    ) async throws -> RunRecord {
        let encoded = run.input.map { (PayloadCodec.encode($0), $0.contentType) }
        let logger = logger
        let startedAt: Double? = owner == nil ? nil : now.pgValue
        let claims = owner == nil ? 0 : 1
        return try await transaction(function: function) { connection in
            let row = try await connection.rows(
                """
                INSERT INTO runs (flow_id, flow_version, status, trigger, priority, entry_shape_id, origin_run_id, queued_at,
                                  started_at, lease_owner, lease_expires_at, claims, input_count)
                VALUES (\(run.flowID), \(run.flowVersion), \(status.rawValue), \(run.trigger.rawValue), \(run.priority), \(run.entryShapeID),
                        \(run.originRunID), \(now.pgValue), \(startedAt), \(owner), \(leaseUntil?.pgValue), \(claims), \(run.input.count))
                RETURNING \(unescaped: PostgresStore.runColumns)
                """, logger: logger)[0]
            let record = try PostgresStore.runRecord(row)
            try await PostgresStore.insertPayloads(connection, runID: record.id, sequence: 0, encoded, logger: logger)
            return record
        }
    }

    /// Writes a step's payloads in one statement (arrays unnested), replacing any of the same place.
    static func insertPayloads(
        _ connection: PostgresConnection, runID: RunID, sequence: Int, _ payloads: [(PayloadCodec.Encoded, String)],
        logger: Logger
    ) async throws {
        guard !payloads.isEmpty else { return }
        let indexes = payloads.indices.map { Int64($0) }
        let types = payloads.map(\.1)
        let sizes = payloads.map { Int64($0.0.size) }
        let storedSizes = payloads.map { Int64($0.0.data.count) }
        let encodings = payloads.map(\.0.encoding)
        let data = payloads.map { ByteBuffer(bytes: $0.0.data) }
        try await connection.run(
            """
            INSERT INTO payloads (run_id, sequence, idx, content_type, size, stored_size, encoding, data)
            SELECT \(runID), \(sequence), * FROM unnest(\(indexes), \(types), \(sizes), \(storedSizes), \(encodings), \(data))
            ON CONFLICT (run_id, sequence, idx) DO UPDATE SET content_type = excluded.content_type, size = excluded.size,
                stored_size = excluded.stored_size, encoding = excluded.encoding, data = excluded.data
            """, logger: logger)
    }

    public func beginStep(_ step: StepID, shapeID: String, shapeType: String, inputCount: Int, inputBytes: Int, now: Date) async throws {
        let logger = logger
        let write = RunLogWrite.beginStep(step, shapeID: shapeID, shapeType: shapeType, inputCount: inputCount, inputBytes: inputBytes, now: now)
        try await transaction { connection in try await PostgresStore.apply(write, on: connection, logger: logger) }
    }

    public func finishStep(_ step: StepID, outcome: StepOutcome, now: Date) async throws {
        let logger = logger
        let write = RunLogWrite.finishStep(step, outcome: outcome, now: now)
        try await transaction { connection in try await PostgresStore.apply(write, on: connection, logger: logger) }
    }

    public func finishRun(runID: RunID, status: RunStatus, error: String?, failedShapeID: String?, now: Date) async throws {
        let logger = logger
        let write = RunLogWrite.finishRun(runID, status: status, error: error, failedShapeID: failedShapeID, now: now)
        try await connection { connection in try await PostgresStore.apply(write, on: connection, logger: logger) }
    }

    public func recordTraceParent(runID: RunID, traceParent: String) async throws {
        let logger = logger
        try await connection { connection in try await PostgresStore.apply(.traceParent(runID, traceParent), on: connection, logger: logger) }
    }

    public func commitRunLog(_ writes: [RunLogWrite]) async throws {
        guard !writes.isEmpty else { return }
        let logger = logger
        try await transaction { connection in
            for write in writes { try await PostgresStore.apply(write, on: connection, logger: logger) }
        }
    }

    /// Carries out one run-log write on `connection` (inside the caller's transaction when it has several statements).
    static func apply(_ write: RunLogWrite, on connection: PostgresConnection, logger: Logger) async throws {
        switch write {
        case .beginStep(let step, let shapeID, let shapeType, let inputCount, let inputBytes, let now):
            let (runID, sequence) = (step.run, step.sequence)
            try await connection.run("DELETE FROM payloads WHERE run_id = \(runID) AND sequence = \(sequence)", logger: logger)
            try await connection.run("DELETE FROM steps WHERE run_id = \(runID) AND sequence = \(sequence)", logger: logger)
            try await connection.run(
                """
                INSERT INTO steps (run_id, sequence, shape_id, shape_type, status, started_at, attempts, input_count, input_bytes)
                VALUES (\(runID), \(sequence), \(shapeID), \(shapeType), 'running', \(now.pgValue), 1, \(inputCount), \(inputBytes))
                """, logger: logger)
        case .finishStep(let step, let outcome, let now):
            let (runID, sequence) = (step.run, step.sequence)
            let encoded = outcome.outputs.map { (PayloadCodec.encode($0), $0.contentType) }
            let outputBytes = encoded.reduce(0) { $0 + $1.0.size }
            let warnings = outcome.warnings.isEmpty ? nil : JSON.array(outcome.warnings.map(JSON.string)).serialized()
            let calls = outcome.calls.isEmpty ? nil : JSON.array(outcome.calls).serialized()
            let details = outcome.errorDetails?.serialized()
            let stepDetails = outcome.details?.serialized()
            let updated = try await connection.rows(
                """
                UPDATE steps SET status = \(outcome.status.rawValue), finished_at = \(now.pgValue), attempts = \(outcome.attempts),
                                 output_count = \(encoded.count), output_bytes = \(outputBytes), error = \(outcome.error),
                                 error_details = \(details), warnings = \(warnings), calls = \(calls),
                                 path = \(outcome.path), details = \(stepDetails)
                WHERE run_id = \(runID) AND sequence = \(sequence)
                RETURNING shape_id, (SELECT flow_id FROM runs WHERE id = \(runID)) AS flow_id,
                          (SELECT flow_version FROM runs WHERE id = \(runID)) AS flow_version
                """, logger: logger)
            guard let step = updated.first else { throw StorageError(.notFound, "step \(sequence) of run \(runID) was never started") }
            try await PostgresStore.insertPayloads(connection, runID: runID, sequence: sequence, encoded, logger: logger)
            if !outcome.syncEntries.isEmpty {
                // In the step's transaction: a step recorded as done always has its sync entries.
                guard let flowID = try step.optional("flow_id", as: String.self), let version = try step.optional("flow_version", as: Int.self) else {
                    throw StorageError(.notFound, "run \(runID) is not stored")
                }
                _ = try await PostgresStore.insertSyncEntries(
                    connection, outcome.syncEntries,
                    origin: SyncOrigin(
                        flowID: flowID, flowVersion: version, runID: runID, shapeID: try step["shape_id"]), now: now, logger: logger)
            }
            if !outcome.warnings.isEmpty {
                try await connection.run("UPDATE runs SET has_warnings = true WHERE id = \(runID)", logger: logger)
            }
            if let variables = outcome.variables {
                // With the step: a resumed run continues with the variables its finished steps left.
                try await PostgresStore.saveRunVariables(connection, runID: runID, sequence: sequence, variables, logger: logger)
            }
        case .finishRun(let runID, let status, let error, let failedShapeID, let now):
            try await connection.run(
                """
                UPDATE runs SET status = \(status.rawValue), finished_at = \(now.pgValue), error = \(error), failed_shape_id = \(failedShapeID),
                                lease_owner = NULL, lease_expires_at = NULL
                WHERE id = \(runID)
                """, logger: logger)
        case .traceParent(let runID, let traceParent):
            try await connection.run("UPDATE runs SET trace_parent = \(traceParent) WHERE id = \(runID) AND trace_parent IS NULL", logger: logger)
        }
    }

    public func requestStop(runID: RunID, now: Date) async throws -> Bool {
        let logger = logger
        return try await transaction { connection in
            let stopped = try await connection.rows(
                """
                UPDATE runs SET status = 'stopped', finished_at = \(now.pgValue), error = 'stopped on request before it started',
                                stop_requested = true
                WHERE id = \(runID) AND status = 'queued' RETURNING 1
                """, logger: logger)
            if !stopped.isEmpty { return true }
            return try await !connection.rows(
                "UPDATE runs SET stop_requested = true WHERE id = \(runID) AND status = 'started' RETURNING 1",
                logger: logger
            ).isEmpty
        }
    }

    public func run(id: RunID) async throws -> RunRecord? {
        let logger = logger
        return try await connection { connection in
            try await connection.rows("SELECT \(unescaped: PostgresStore.runColumns) FROM runs WHERE id = \(id)", logger: logger)
                .first.map(PostgresStore.runRecord)
        }
    }

    public func runs(_ query: RunQuery) async throws -> [RunRecord] {
        var statement = SQLStatement()
        var clauses: [String] = []
        if let flowID = query.flowID { clauses.append("flow_id = \(statement.bind(flowID))") }
        if !query.statuses.isEmpty { clauses.append("status = ANY(\(statement.bind(query.statuses.map(\.rawValue))))") }
        if !query.triggers.isEmpty { clauses.append("trigger = ANY(\(statement.bind(query.triggers.map(\.rawValue))))") }
        if let since = query.since { clauses.append("queued_at >= \(statement.bind(since.pgValue))") }
        if let until = query.until { clauses.append("queued_at < \(statement.bind(until.pgValue))") }
        if let hasWarnings = query.hasWarnings { clauses.append("has_warnings = \(statement.bind(hasWarnings))") }
        if let origin = query.originRunID { clauses.append("origin_run_id = \(statement.bind(origin))") }
        if query.unrecovered {
            clauses.append("NOT EXISTS (SELECT 1 FROM runs AS follow_up WHERE follow_up.origin_run_id = runs.id AND follow_up.status = 'success')")
        }
        if let before = query.before { clauses.append("id < \(statement.bind(before))") }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        statement.text = "SELECT \(PostgresStore.runColumns) FROM runs \(whereClause) ORDER BY id DESC LIMIT \(max(1, min(query.limit, 1000)))"
        let finished = statement
        let logger = logger
        return try await connection { connection in try await connection.rows(finished, logger: logger).map(PostgresStore.runRecord) }
    }

    public func recoveries(of runIDs: [RunID]) async throws -> [RunID: RunID] {
        guard !runIDs.isEmpty else { return [:] }
        let logger = logger
        let rows = try await connection { connection in
            try await connection.rows(
                """
                SELECT origin_run_id, min(id) AS recovered_by FROM runs
                WHERE origin_run_id = ANY(\(runIDs)) AND status = 'success' GROUP BY origin_run_id
                """, logger: logger)
        }
        var found: [RunID: RunID] = [:]
        for row in rows {
            let origin: RunID = try row["origin_run_id"]
            found[origin] = try row["recovered_by"]
        }
        return found
    }

    public func steps(runID: RunID) async throws -> [StepRecord] {
        let logger = logger
        return try await connection { connection in
            try await connection.rows("SELECT * FROM steps WHERE run_id = \(runID) ORDER BY sequence", logger: logger).map(PostgresStore.stepRecord)
        }
    }

    public func payloadInfos(of step: StepID) async throws -> [PayloadInfo] {
        let (runID, sequence) = (step.run, step.sequence)
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                SELECT idx, content_type, size, stored_size FROM payloads WHERE run_id = \(runID) AND sequence = \(sequence) ORDER BY idx
                """, logger: logger
            ).map {
                PayloadInfo(
                    runID: runID, sequence: sequence, index: try $0["idx"], contentType: try $0["content_type"],
                    size: try $0["size"], storedSize: try $0["stored_size"])
            }
        }
    }

    public func payload(of step: StepID, index: Int) async throws -> Payload? {
        let (runID, sequence) = (step.run, step.sequence)
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                SELECT content_type, size, encoding, data FROM payloads WHERE run_id = \(runID) AND sequence = \(sequence) AND idx = \(index)
                """, logger: logger
            ).first.map(PostgresStore.payload)
        }
    }

    public func payloads(of step: StepID) async throws -> [Payload] {
        let (runID, sequence) = (step.run, step.sequence)
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                SELECT content_type, size, encoding, data FROM payloads WHERE run_id = \(runID) AND sequence = \(sequence) ORDER BY idx
                """, logger: logger
            ).map(PostgresStore.payload)
        }
    }

    static func payload(_ row: PGRow) throws -> Payload {
        let bytes = try PayloadCodec.decode(encoding: try row["encoding"], data: try row.bytes("data"), size: try row["size"])
        return Payload(bytes: bytes, contentType: try row["content_type"])
    }

    static func stepRecord(_ row: PGRow) throws -> StepRecord {
        let warnings = decodeJSONText(try row.optional("warnings"))?.arrayValue?.compactMap(\.stringValue) ?? []
        return StepRecord(
            runID: try row["run_id"], sequence: try row["sequence"], shapeID: try row["shape_id"], shapeType: try row["shape_type"],
            status: StepStatus(rawValue: try row["status"]) ?? .failure, startedAt: try row.date("started_at"),
            finishedAt: try row.optionalDate("finished_at"), attempts: try row["attempts"], inputCount: try row["input_count"],
            inputBytes: try row["input_bytes"], outputCount: try row["output_count"], outputBytes: try row["output_bytes"],
            error: try row.optional("error"), errorDetails: decodeJSONText(try row.optional("error_details")), warnings: warnings,
            calls: decodeJSONText(try row.optional("calls"))?.arrayValue ?? [],
            path: try row.optional("path"), details: decodeJSONText(try row.optional("details")))
    }

    static func runRecord(_ row: PGRow) throws -> RunRecord {
        RunRecord(
            id: try row["id"], flowID: try row["flow_id"], flowVersion: try row["flow_version"],
            status: RunStatus(rawValue: try row["status"]) ?? .failure, trigger: TriggerKind(rawValue: try row["trigger"]) ?? .manual,
            priority: try row["priority"], entryShapeID: try row.optional("entry_shape_id"), originRunID: try row.optional("origin_run_id"),
            queuedAt: try row.date("queued_at"), startedAt: try row.optionalDate("started_at"), finishedAt: try row.optionalDate("finished_at"),
            error: try row.optional("error"), failedShapeID: try row.optional("failed_shape_id"), hasWarnings: try row["has_warnings"],
            stopRequested: try row["stop_requested"], leaseOwner: try row.optional("lease_owner"),
            leaseExpiresAt: try row.optionalDate("lease_expires_at"), claims: try row["claims"], inputCount: try row["input_count"],
            payloadsExpired: try row["payloads_expired"], traceParent: try row.optional("trace_parent"))
    }
}
