import Foundation
import GRDB
import SkeinCore
import SkeinJSON
import SkeinStorage

extension SQLiteStore: RunStore {
    public func enqueue(_ run: NewRun, now: Date) async throws -> RunRecord {
        try await insert(run, status: .queued, owner: nil, leaseUntil: nil, now: now)
    }

    public func startClaimed(_ run: NewRun, owner: String, leaseUntil: Date, now: Date) async throws -> RunRecord {
        try await insert(run, status: .started, owner: owner, leaseUntil: leaseUntil, now: now)
    }

    public func enqueueBatch(_ runs: [NewRun], now: Date) async throws -> [RunRecord] {
        guard !runs.isEmpty else { return [] }
        let encoded = runs.map { run in run.input.map { (PayloadCodec.encode($0), $0.contentType) } }
        return try await write { db in
            try zip(runs, encoded).map { run, payloads in
                try SQLiteStore.insertRun(db, run, payloads, status: .queued, owner: nil, leaseUntil: nil, now: now)
            }
        }
    }

    private func insert(
        _ run: NewRun, status: RunStatus, owner: String?, leaseUntil: Date?, now: Date,
        function: String = #function
    ) async throws -> RunRecord {
        let encoded = run.input.map { (PayloadCodec.encode($0), $0.contentType) }
        return try await write(function: function) { db in
            try SQLiteStore.insertRun(db, run, encoded, status: status, owner: owner, leaseUntil: leaseUntil, now: now)
        }
    }

    /// Inserts one run and its input payloads in the caller's transaction; returns the run as stored.
    static func insertRun(
        _ db: Database, _ run: NewRun, _ payloads: [(PayloadCodec.Encoded, String)], status: RunStatus, owner: String?,
        leaseUntil: Date?, now: Date
    ) throws -> RunRecord {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO runs (flow_id, flow_version, status, trigger, priority, entry_shape_id, origin_run_id, queued_at,
                                  started_at, lease_owner, lease_expires_at, claims, input_count)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                RETURNING \(runColumns)
                """)
        statement.setUncheckedArguments([
            run.flowID, run.flowVersion, status.rawValue, run.trigger.rawValue, run.priority, run.entryShapeID,
            run.originRunID, now.storageValue, owner == nil ? nil : now.storageValue, owner,
            leaseUntil?.storageValue, owner == nil ? 0 : 1, run.input.count,
        ])
        guard let row = try Row.fetchOne(statement) else { throw StorageError(.corrupt, "inserting a run returned no row") }
        let record = runRecord(row)
        try insertPayloads(db, runID: record.id, sequence: 0, payloads)
        return record
    }

    static func insertPayloads(_ db: Database, runID: RunID, sequence: Int, _ payloads: [(PayloadCodec.Encoded, String)]) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO payloads (run_id, sequence, idx, content_type, size, stored_size, encoding, data)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for (index, (encoded, contentType)) in payloads.enumerated() {
            if encoded.data.count >= SQLiteBlobWriter.threshold {
                // Large: a zero blob of the right size, then the bytes written into it in place.
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO payloads (run_id, sequence, idx, content_type, size, stored_size, encoding, data)
                        VALUES (?, ?, ?, ?, ?, ?, ?, zeroblob(?))
                        """, arguments: [runID, sequence, index, contentType, encoded.size, encoded.data.count, encoded.encoding, encoded.data.count])
                try SQLiteBlobWriter.write(db, table: "payloads", column: "data", rowID: db.lastInsertedRowID, bytes: encoded.data)
                continue
            }
            try statement.execute(arguments: [
                runID, sequence, index, contentType, encoded.size, encoded.data.count, encoded.encoding,
                Data(encoded.data),
            ])
        }
    }

    public func claimRuns(owner: String, limit: Int, leaseUntil: Date, now: Date) async throws -> [RunRecord] {
        // A claim lost in a power cut only queues its runs again, and every claimed run's
        // first durable commit syncs its claim: no fsync of its own.
        let records = try await write(syncing: false) { db in
            // Queued runs of a flow already at its max_concurrent_runs are not candidates;
            // RunClaimPlan then keeps the batch itself within each limit.
            // The claim walks `runs_claimable` (priority, id) and stops at `limit` rows. Left to
            // itself the planner read every queued run through runs_by_status_queued_at and sorted
            // them: with 35,000 runs queued behind a webhook burst each claim took ~20 ms of the
            // single writer and workers fell to ~70 runs/s (docs/benchmarks.md, scenario 2).
            // The `status IN` term lets the partial index apply.
            let candidates = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT r.id, r.flow_id, r.status, f.max_concurrent_runs AS flow_limit
                        FROM runs r INDEXED BY runs_claimable LEFT JOIN flows f ON f.flow_id = r.flow_id
                        WHERE r.status IN ('queued', 'started') AND ((r.status = 'started' AND r.lease_expires_at < ?)
                           OR (r.status = 'queued' AND (f.max_concurrent_runs IS NULL
                               OR (SELECT count(*) FROM runs s WHERE s.flow_id = r.flow_id AND s.status = 'started') < f.max_concurrent_runs)))
                        ORDER BY r.priority, r.id LIMIT ?
                        """), arguments: [now.storageValue, limit]
            ).map {
                RunClaimPlan.Candidate(
                    id: $0["id"], flowID: $0["flow_id"], isResume: ($0["status"] as String) == "started",
                    limit: $0["flow_limit"])
            }
            var running: [String: Int] = [:]
            for flowID in Set(candidates.filter { $0.limit != nil }.map(\.flowID)) {
                running[flowID] =
                    try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM runs WHERE flow_id = ? AND status = 'started'",
                        arguments: [flowID]) ?? 0
            }
            let chosen = RunClaimPlan.choose(candidates, running: running, count: limit)
            guard !chosen.isEmpty else { return [RunRecord]() }
            // The chosen ids as one JSON array, so the statement is the same for any batch and stays prepared.
            let ids = "[" + chosen.map { String($0.rawValue) }.joined(separator: ",") + "]"
            return try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        UPDATE runs SET status = 'started', lease_owner = ?, lease_expires_at = ?, claims = claims + 1,
                                        started_at = COALESCE(started_at, ?)
                        WHERE id IN (SELECT value FROM json_each(?))
                        RETURNING \(SQLiteStore.runColumns)
                        """),
                arguments: [owner, leaseUntil.storageValue, now.storageValue, ids]
            ).map(SQLiteStore.runRecord)
        }
        return records.sorted { ($0.priority, $0.id) < ($1.priority, $1.id) }
    }

    public func renewLeases(runIDs: [RunID], owner: String, until: Date) async throws -> (held: [RunID], stopRequested: [RunID]) {
        guard !runIDs.isEmpty else { return ([], []) }
        return try await write { db in
            var held: [RunID] = []
            var stops: [RunID] = []
            let renew = try db.cachedStatement(
                sql: "UPDATE runs SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? AND status = 'started' RETURNING stop_requested")
            for id in runIDs {
                guard let stopRequested = try Bool.fetchOne(renew, arguments: [until.storageValue, id, owner]) else { continue }
                held.append(id)
                if stopRequested { stops.append(id) }
            }
            return (held, stops)
        }
    }

    public func releaseLeases(owner: String, now: Date) async throws -> [RunID] {
        try await write { db in
            try RunID.fetchAll(
                db,
                sql: """
                    UPDATE runs SET lease_expires_at = ? WHERE lease_owner = ? AND status = 'started'
                    RETURNING id
                    """, arguments: [now.addingTimeInterval(-1).storageValue, owner]
            ).sorted()
        }
    }

    public func beginStep(_ step: StepID, shapeID: String, shapeType: String, inputCount: Int, inputBytes: Int, now: Date) async throws {
        let body = Self.writing(.beginStep(step, shapeID: shapeID, shapeType: shapeType, inputCount: inputCount, inputBytes: inputBytes, now: now))
        try await write { db in try body(db) }
    }

    public func finishStep(_ step: StepID, outcome: StepOutcome, now: Date) async throws {
        let body = Self.writing(.finishStep(step, outcome: outcome, now: now))
        try await write { db in try body(db) }
    }

    public func finishRun(runID: RunID, status: RunStatus, error: String?, failedShapeID: String?, now: Date) async throws {
        let body = Self.writing(.finishRun(runID, status: status, error: error, failedShapeID: failedShapeID, now: now))
        try await write { db in try body(db) }
    }

    public func recordTraceParent(runID: RunID, traceParent: String) async throws {
        let body = Self.writing(.traceParent(runID, traceParent))
        try await write { db in try body(db) }
    }

    public func commitRunLog(_ writes: [RunLogWrite]) async throws {
        // Payloads are encoded here, outside the one writer connection's queue.
        let bodies = writes.map(Self.writing)
        try await write { db in for body in bodies { try body(db) } }
    }

    /// What `write` does inside a transaction, with its payloads already encoded. The statements
    /// are prepared once per connection (`cachedStatement`).
    static func writing(_ write: RunLogWrite) -> @Sendable (Database) throws -> Void {
        switch write {
        case .beginStep(let step, let shapeID, let shapeType, let inputCount, let inputBytes, let now):
            let (runID, sequence) = (step.run, step.sequence)
            return { db in
                try db.cachedStatement(sql: "DELETE FROM payloads WHERE run_id = ? AND sequence = ?").execute(arguments: [runID, sequence])
                try db.cachedStatement(
                    sql: """
                        INSERT OR REPLACE INTO steps (run_id, sequence, shape_id, shape_type, status, started_at, attempts, input_count, input_bytes)
                        VALUES (?, ?, ?, ?, 'running', ?, 1, ?, ?)
                        """
                ).execute(arguments: [runID, sequence, shapeID, shapeType, now.storageValue, inputCount, inputBytes])
            }
        case .finishStep(let step, let outcome, let now):
            let (runID, sequence) = (step.run, step.sequence)
            let encoded = outcome.outputs.map { (PayloadCodec.encode($0), $0.contentType) }
            let outputBytes = encoded.reduce(0) { $0 + $1.0.size }
            let warnings = outcome.warnings.isEmpty ? nil : JSON.array(outcome.warnings.map(JSON.string)).serialized()
            let calls = outcome.calls.isEmpty ? nil : JSON.array(outcome.calls).serialized()
            let errorDetails = encodeJSON(outcome.errorDetails)
            let details = encodeJSON(outcome.details)
            let syncPayloads = SQLiteStore.encodeSyncPayloads(outcome.syncEntries)
            return { db in
                try db.cachedStatement(
                    sql: """
                        UPDATE steps SET status = ?, finished_at = ?, attempts = ?, output_count = ?, output_bytes = ?, error = ?,
                                         error_details = ?, warnings = ?, calls = ?, path = ?, details = ?
                        WHERE run_id = ? AND sequence = ?
                        """
                ).execute(arguments: [
                    outcome.status.rawValue, now.storageValue, outcome.attempts, encoded.count, outputBytes, outcome.error,
                    errorDetails, warnings, calls, outcome.path, details, runID, sequence,
                ])
                if db.changesCount == 0 { throw StorageError(.notFound, "step \(sequence) of run \(runID) was never started") }
                try SQLiteStore.insertPayloads(db, runID: runID, sequence: sequence, encoded)
                if !outcome.syncEntries.isEmpty {
                    // In the step's transaction: a step recorded as done always has its sync entries.
                    guard
                        let origin = try Row.fetchOne(
                            db,
                            sql: """
                                SELECT r.flow_id, r.flow_version, s.shape_id FROM runs r JOIN steps s ON s.run_id = r.id WHERE r.id = ? AND s.sequence = ?
                                """, arguments: [runID, sequence])
                    else { throw StorageError(.notFound, "run \(runID) is not stored") }
                    _ = try SQLiteStore.insertSyncEntries(
                        db, outcome.syncEntries, payloads: syncPayloads,
                        origin: SyncOrigin(
                            flowID: origin["flow_id"], flowVersion: origin["flow_version"], runID: runID, shapeID: origin["shape_id"]), now: now)
                }
                if !outcome.warnings.isEmpty {
                    try db.cachedStatement(sql: "UPDATE runs SET has_warnings = 1 WHERE id = ?").execute(arguments: [runID])
                }
                if let variables = outcome.variables {
                    try SQLiteStore.saveRunVariables(db, runID: runID, sequence: sequence, variables)
                }
            }
        case .finishRun(let runID, let status, let error, let failedShapeID, let now):
            return { db in
                try db.cachedStatement(
                    sql: """
                        UPDATE runs SET status = ?, finished_at = ?, error = ?, failed_shape_id = ?, lease_owner = NULL, lease_expires_at = NULL
                        WHERE id = ?
                        """
                ).execute(arguments: [status.rawValue, now.storageValue, error, failedShapeID, runID])
            }
        case .traceParent(let runID, let traceParent):
            return { db in
                try db.cachedStatement(sql: "UPDATE runs SET trace_parent = ? WHERE id = ? AND trace_parent IS NULL").execute(arguments: [traceParent, runID])
            }
        }
    }

    public func requestStop(runID: RunID, now: Date) async throws -> Bool {
        try await write { db -> Bool in
            try db.execute(
                sql: """
                    UPDATE runs SET status = 'stopped', finished_at = ?, error = 'stopped on request before it started', stop_requested = 1
                    WHERE id = ? AND status = 'queued'
                    """, arguments: [now.storageValue, runID])
            if db.changesCount == 1 { return true }
            try db.execute(sql: "UPDATE runs SET stop_requested = 1 WHERE id = ? AND status = 'started'", arguments: [runID])
            return db.changesCount == 1
        }
    }

    public func run(id: RunID) async throws -> RunRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(SQLiteStore.runColumns) FROM runs WHERE id = ?", arguments: [id]).map(SQLiteStore.runRecord)
        }
    }

    public func runs(_ query: RunQuery) async throws -> [RunRecord] {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        // A closed range with no flow, status, trigger or origin filter is walked newest first along
        // the primary key between the smallest and largest id queued in it (`bounds`, one pass over
        // runs_by_queued_at): exact whatever the order of ids and queue times, and it stops at the
        // page. Sorting the range's ids instead cost ~15 ms for a day of 33,000 runs (`skein bench runs`).
        let betweenIDBounds =
            query.since != nil && query.until != nil && query.flowID == nil && query.statuses.isEmpty
            && query.triggers.isEmpty && query.originRunID == nil
        if betweenIDBounds, let since = query.since, let until = query.until {
            arguments += [since.storageValue, until.storageValue]
        }
        if let flowID = query.flowID { clauses.append("flow_id = ?"); arguments += [flowID] }
        if !query.statuses.isEmpty {
            clauses.append("status IN (\(query.statuses.map { _ in "?" }.joined(separator: ",")))")
            arguments += StatementArguments(query.statuses.map(\.rawValue))
        }
        if !query.triggers.isEmpty {
            clauses.append("trigger IN (\(query.triggers.map { _ in "?" }.joined(separator: ",")))")
            arguments += StatementArguments(query.triggers.map(\.rawValue))
        }
        // A window open to now (the run list's default, `--days`) is read newest first from the top,
        // which finds a page among the newest runs at once; the unary + keeps SQLite from sorting the
        // whole window by way of a queued_at index instead. Any other closed range uses those indexes
        // (migrations 0007 and 0008).
        let queuedAt = query.until != nil && !betweenIDBounds ? "queued_at" : "+queued_at"
        if let since = query.since { clauses.append("\(queuedAt) >= ?"); arguments += [since.storageValue] }
        if let until = query.until { clauses.append("\(queuedAt) < ?"); arguments += [until.storageValue] }
        if let hasWarnings = query.hasWarnings { clauses.append("has_warnings = ?"); arguments += [hasWarnings] }
        if let origin = query.originRunID { clauses.append("origin_run_id = ?"); arguments += [origin] }
        if query.unrecovered { clauses.append("NOT EXISTS (\(SQLiteStore.successfulFollowUp))") }
        if let before = query.before { clauses.append("id < ?"); arguments += [before] }
        if betweenIDBounds { clauses.append("id BETWEEN (SELECT lo FROM bounds) AND (SELECT hi FROM bounds)") }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        // The page's ids first, then their rows: only ids are sorted or walked, never whole rows.
        let bounds = betweenIDBounds ? "WITH bounds(lo, hi) AS (SELECT min(id), max(id) FROM runs WHERE queued_at >= ? AND queued_at < ?)\n" : ""
        let sql =
            bounds + """
                SELECT \(SQLiteStore.runColumns) FROM runs WHERE id IN (SELECT id FROM runs \(whereClause) ORDER BY id DESC LIMIT \(max(1, min(query.limit, 1000))))
                ORDER BY id DESC
                """
        let finalArguments = arguments
        return try await read { db in try Row.fetchAll(db, sql: sql, arguments: finalArguments).map(SQLiteStore.runRecord) }
    }

    /// A run replayed or retried from the enclosing query's `runs` row that succeeded (served by runs_by_origin).
    static let successfulFollowUp = "SELECT 1 FROM runs AS follow_up WHERE follow_up.origin_run_id = runs.id AND follow_up.status = 'success'"

    public func recoveries(of runIDs: [RunID]) async throws -> [RunID: RunID] {
        guard !runIDs.isEmpty else { return [:] }
        var found: [RunID: RunID] = [:]
        // In chunks, under SQLite's limit on bound values.
        for chunk in stride(from: 0, to: runIDs.count, by: 500).map({ Array(runIDs[$0..<min($0 + 500, runIDs.count)]) }) {
            let pairs: [(Int64, Int64)] = try await read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT origin_run_id, min(id) AS recovered_by FROM runs
                        WHERE origin_run_id IN (\(chunk.map { _ in "?" }.joined(separator: ","))) AND status = 'success'
                        GROUP BY origin_run_id
                        """, arguments: StatementArguments(chunk.map(\.rawValue))
                ).map { ($0["origin_run_id"], $0["recovered_by"]) }
            }
            for (origin, recoveredBy) in pairs { found[RunID(rawValue: origin)] = RunID(rawValue: recoveredBy) }
        }
        return found
    }

    public func steps(runID: RunID) async throws -> [StepRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM steps WHERE run_id = ? ORDER BY sequence", arguments: [runID]).map(SQLiteStore.stepRecord)
        }
    }

    static func stepRecord(_ row: Row) -> StepRecord {
        // Columns are read by name; JSON columns that fail to parse read as empty.
        let warnings = decodeJSON(row["warnings"])?.arrayValue?.compactMap(\.stringValue) ?? []
        return StepRecord(
            runID: row["run_id"], sequence: row["sequence"], shapeID: row["shape_id"], shapeType: row["shape_type"],
            status: StepStatus(rawValue: row["status"]) ?? .failure, startedAt: row.date("started_at") ?? Date(timeIntervalSince1970: 0),
            finishedAt: row.date("finished_at"), attempts: row["attempts"], inputCount: row["input_count"], inputBytes: row["input_bytes"],
            outputCount: row["output_count"], outputBytes: row["output_bytes"], error: row["error"],
            errorDetails: decodeJSON(row["error_details"]), warnings: warnings, calls: decodeJSON(row["calls"])?.arrayValue ?? [],
            path: row["path"], details: decodeJSON(row["details"]))
    }

    public func payloadInfos(of step: StepID) async throws -> [PayloadInfo] {
        let (runID, sequence) = (step.run, step.sequence)
        return try await read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT run_id, sequence, idx, content_type, size, stored_size FROM payloads WHERE run_id = ? AND sequence = ? ORDER BY idx
                        """), arguments: [runID, sequence]
            ).map {
                PayloadInfo(
                    runID: $0["run_id"], sequence: $0["sequence"], index: $0["idx"], contentType: $0["content_type"],
                    size: $0["size"], storedSize: $0["stored_size"])
            }
        }
    }

    public func payload(of step: StepID, index: Int) async throws -> Payload? {
        let (runID, sequence) = (step.run, step.sequence)
        return try await read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT content_type, size, encoding, data FROM payloads WHERE run_id = ? AND sequence = ? AND idx = ?"),
                arguments: [runID, sequence, index]
            ).map(SQLiteStore.payload)
        }
    }

    public func payloads(of step: StepID) async throws -> [Payload] {
        let (runID, sequence) = (step.run, step.sequence)
        return try await read { db in
            // Every run reads its input: the statement stays prepared on each read connection.
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT content_type, size, encoding, data FROM payloads WHERE run_id = ? AND sequence = ? ORDER BY idx"),
                arguments: [runID, sequence]
            ).map(SQLiteStore.payload)
        }
    }

    static func payload(_ row: Row) throws -> Payload {
        let data: Data = row["data"]
        let bytes = try PayloadCodec.decode(encoding: row["encoding"], data: data, size: row["size"])
        return Payload(bytes: bytes, contentType: row["content_type"])
    }

    /// The `runs` columns `runRecord` reads, in its order. Statements that return runs select
    /// these, never `*`, so a record is read by position: reading by name makes GRDB match each
    /// name case-insensitively (a `lowercased()` per column per row), which showed in profiles of
    /// claiming and webhook intake (Benchmarks/notes.md).
    static let runColumns = """
        id, flow_id, flow_version, status, trigger, priority, entry_shape_id, origin_run_id, queued_at, started_at, finished_at, \
        error, failed_shape_id, has_warnings, stop_requested, lease_owner, lease_expires_at, claims, input_count, \
        payloads_expired, trace_parent
        """

    /// A row of `runColumns` as a run.
    static func runRecord(_ row: Row) -> RunRecord {
        RunRecord(
            id: row[0], flowID: row[1], flowVersion: row[2], status: RunStatus(rawValue: row[3]) ?? .failure,
            trigger: TriggerKind(rawValue: row[4]) ?? .manual, priority: row[5], entryShapeID: row[6], originRunID: row[7],
            queuedAt: row.date(at: 8) ?? Date(timeIntervalSince1970: 0), startedAt: row.date(at: 9), finishedAt: row.date(at: 10),
            error: row[11], failedShapeID: row[12], hasWarnings: row[13], stopRequested: row[14], leaseOwner: row[15],
            leaseExpiresAt: row.date(at: 16), claims: row[17], inputCount: row[18], payloadsExpired: row[19] ?? false, traceParent: row[20])
    }
}
