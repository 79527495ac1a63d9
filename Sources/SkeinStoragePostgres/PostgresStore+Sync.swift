import Foundation
import NIOCore
import PostgresNIO
import SkeinCore
import SkeinJSON
import SkeinStorage

extension PostgresStore: SyncStore {
    static let syncColumns = """
        id, flow_id, flow_version, run_id, shape_id, system, reference, source_id, endpoint_id, status, attempts,
        automatic_retries, first_attempt_at, latest_attempt_at, next_retry_at, latest_response, payload_size
        """

    /// Inserts entries with their first transition (one statement per entry); shared by
    /// `finishStep` (inside the step's transaction) and `insertSyncEntries`.
    static func insertSyncEntries(
        _ connection: PostgresConnection, _ entries: [NewSyncEntry], origin: SyncOrigin, now: Date,
        logger: Logger
    ) async throws -> [SyncEntryID] {
        var ids: [SyncEntryID] = []
        ids.reserveCapacity(entries.count)
        for new in entries {
            let time = (new.attemptedAt ?? now).pgValue
            let item = new.item
            let encoded = PayloadCodec.encode(item.payload)
            let row = try await connection.rows(
                """
                WITH entry AS (
                    INSERT INTO sync_entries (flow_id, flow_version, run_id, shape_id, system, reference, source_id, endpoint_id, status,
                        attempts, automatic_retries, first_attempt_at, latest_attempt_at, next_retry_at, latest_response, content_type,
                        payload_size, payload_encoding, payload_data)
                    VALUES (\(origin.flowID), \(origin.flowVersion), \(origin.runID), \(origin.shapeID), \(item.system), \(item.reference),
                        \(item.sourceID), \(item.endpointID), \(new.status.rawValue), 1, 0, \(time), \(time), \(new.nextRetryAt?.pgValue),
                        \(item.response ?? new.reason), \(item.payload.contentType), \(encoded.size), \(encoded.encoding),
                        \(ByteBuffer(bytes: encoded.data)))
                    RETURNING id)
                , attempt AS (
                    INSERT INTO sync_attempts (entry_id, seq, at, status, reason, response, endpoint_id, manual)
                    SELECT id, 1, \(time), \(new.status.rawValue), \(new.reason), \(SyncAttemptRecord.excerpt(item.response ?? new.reason)),
                        \(item.endpointID), false FROM entry)
                INSERT INTO sync_transitions (entry_id, seq, at, from_status, to_status, reason)
                SELECT id, 1, \(time), NULL, \(new.status.rawValue), \(new.reason) FROM entry
                RETURNING entry_id
                """, logger: logger)
            let id: SyncEntryID = try row[0]["entry_id"]
            if new.status == .ok, let key = item.delivery {
                try await linkDelivery(
                    connection, key, claimant: DeliveryClaimant(runID: origin.runID, shapeID: origin.shapeID), entryID: id,
                    logger: logger)
            }
            ids.append(id)
        }
        return ids
    }

    public func insertSyncEntries(_ entries: [NewSyncEntry], origin: SyncOrigin, now: Date) async throws -> [SyncEntryID] {
        let logger = logger
        return try await transaction { connection in
            try await PostgresStore.insertSyncEntries(connection, entries, origin: origin, now: now, logger: logger)
        }
    }

    public func syncEntries(_ query: SyncQuery) async throws -> SyncPage {
        var statement = PostgresSyncSQL.select(query)
        let limit = max(query.limit, 1)
        statement.text += " LIMIT \(limit)"
        let finished = statement
        let logger = logger
        let entries = try await connection { connection in try await connection.rows(finished, logger: logger).map(PostgresStore.syncEntry) }
        let next = entries.count == limit ? entries.last.map { SyncCursor(after: $0, sortedBy: query.sort) } : nil
        return SyncPage(entries: entries, next: next)
    }

    public func streamSyncEntries(_ query: SyncQuery, batchSize: Int, _ body: @escaping @Sendable ([SyncEntry]) throws -> Void) async throws {
        let statement = PostgresSyncSQL.select(query)
        let size = max(batchSize, 1)
        let logger = logger
        // One statement is one snapshot; its rows arrive as the consumer reads them (back-pressure), so memory stays flat.
        try await connection { connection in
            var batch: [SyncEntry] = []
            batch.reserveCapacity(size)
            for try await row in try await connection.query(statement.query, logger: logger) {
                batch.append(try PostgresStore.syncEntry(PGRow(row)))
                if batch.count == size {
                    try body(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try body(batch) }
        }
    }

    public func syncCounts(_ query: SyncQuery) async throws -> [SyncStatus: Int] {
        var statement = SQLStatement()
        let filter = PostgresSyncSQL.filter(query, includeStatus: false, into: &statement)
        statement.text = "SELECT status, count(*) AS n FROM sync_entries WHERE \(filter) GROUP BY status"
        let finished = statement
        let logger = logger
        let rows = try await connection { connection in
            try await connection.rows(finished, logger: logger).map { (try $0["status", as: String.self], try $0["n", as: Int.self]) }
        }
        var counts: [SyncStatus: Int] = [:]
        for status in SyncStatus.allCases { counts[status] = 0 }
        for (status, count) in rows { if let status = SyncStatus(rawValue: status) { counts[status] = count } }
        return counts
    }

    public func syncEntry(id: SyncEntryID) async throws -> SyncEntry? {
        let logger = logger
        return try await connection { connection in
            try await connection.rows("SELECT \(unescaped: PostgresStore.syncColumns) FROM sync_entries WHERE id = \(id)", logger: logger)
                .first.map(PostgresStore.syncEntry)
        }
    }

    public func syncOrigin(id: SyncEntryID) async throws -> SyncOrigin? {
        let logger = logger
        return try await connection { connection in
            try await connection.rows("SELECT flow_id, flow_version, run_id, shape_id FROM sync_entries WHERE id = \(id)", logger: logger).first.map {
                SyncOrigin(flowID: try $0["flow_id"], flowVersion: try $0["flow_version"], runID: try $0["run_id"], shapeID: try $0["shape_id"])
            }
        }
    }

    public func syncAttempts(entryID: SyncEntryID) async throws -> [SyncAttemptRecord] {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                SELECT seq, at, status, reason, response, endpoint_id, manual FROM sync_attempts WHERE entry_id = \(entryID) ORDER BY seq
                """, logger: logger
            ).map { row in
                SyncAttemptRecord(
                    number: try row["seq", as: Int.self], at: try row.date("at"), status: SyncStatus(rawValue: try row["status"]) ?? .failed,
                    reason: try row["reason"], response: try row["response"], endpointID: try row["endpoint_id"],
                    manual: try row["manual", as: Bool.self])
            }
        }
    }

    public func syncTransitions(entryID: SyncEntryID) async throws -> [SyncTransition] {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                SELECT at, from_status, to_status, reason FROM sync_transitions WHERE entry_id = \(entryID) ORDER BY seq
                """, logger: logger
            ).map { row in
                SyncTransition(
                    at: try row.date("at"), from: try row.optional("from_status", as: String.self).flatMap(SyncStatus.init(rawValue:)),
                    to: SyncStatus(rawValue: try row["to_status"]) ?? .failed, reason: try row["reason"])
            }
        }
    }

    public func syncPayload(entryID: SyncEntryID) async throws -> Payload? {
        let logger = logger
        let stored = try await connection { connection in
            try await connection.rows(
                """
                SELECT content_type, payload_size, payload_encoding, payload_data FROM sync_entries WHERE id = \(entryID)
                """, logger: logger
            ).first.map {
                (
                    try $0["content_type", as: String.self], try $0["payload_size", as: Int.self], try $0["payload_encoding", as: String.self],
                    try $0.bytes("payload_data")
                )
            }
        }
        guard let (contentType, size, encoding, data) = stored else { return nil }
        let bytes = try PayloadCodec.decode(encoding: encoding, data: data, size: size)
        do { return try Payload.received(bytes, contentType: contentType) } catch {
            throw StorageError(.corrupt, "the payload of sync entry \(entryID) is not valid JSON any more: \(error)")
        }
    }

    public func claimDueSyncRetries(now: Date, limit: Int, leaseUntil: Date) async throws -> [SyncEntry] {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                UPDATE sync_entries SET next_retry_at = \(leaseUntil.pgValue)
                WHERE id IN (SELECT id FROM sync_entries WHERE status = 'pending' AND next_retry_at <= \(now.pgValue)
                             ORDER BY next_retry_at LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: PostgresStore.syncColumns)
                """, logger: logger
            ).map(PostgresStore.syncEntry).sorted { ($0.nextRetryAt ?? .distantPast, $0.id) < ($1.nextRetryAt ?? .distantPast, $1.id) }
        }
    }

    public func recordSyncAttempt(entryID: SyncEntryID, _ attempt: SyncAttempt, now: Date) async throws {
        let logger = logger
        let endpointID = attempt.endpointID.flatMap { $0.isEmpty ? nil : $0 }
        try await transaction { connection in
            guard
                let current = try await connection.rows(
                    "SELECT status, run_id, shape_id FROM sync_entries WHERE id = \(entryID) FOR UPDATE",
                    logger: logger
                ).first
            else {
                throw StorageError(.notFound, "no sync entry \(entryID)")
            }
            let previous = try current["status", as: String.self]
            if attempt.status == .ok, let key = attempt.delivery {
                try await PostgresStore.linkDelivery(
                    connection, key, claimant: DeliveryClaimant(runID: try current["run_id"], shapeID: try current["shape_id"]),
                    entryID: entryID, logger: logger)
            }
            try await connection.run(
                """
                UPDATE sync_entries SET status = \(attempt.status.rawValue), attempts = attempts + 1,
                    automatic_retries = CASE WHEN \(attempt.manual) THEN 0 ELSE automatic_retries + 1 END,
                    latest_attempt_at = \(now.pgValue), next_retry_at = \(attempt.nextRetryAt?.pgValue), latest_response = \(attempt.response),
                    endpoint_id = COALESCE(\(endpointID), endpoint_id)
                WHERE id = \(entryID)
                """, logger: logger)
            try await connection.run(
                """
                INSERT INTO sync_attempts (entry_id, seq, at, status, reason, response, endpoint_id, manual)
                VALUES (\(entryID), (SELECT COALESCE(MAX(seq), 0) + 1 FROM sync_attempts WHERE entry_id = \(entryID)), \(now.pgValue),
                        \(attempt.status.rawValue), \((attempt.manual ? "resync: " : "") + attempt.reason), \(SyncAttemptRecord.excerpt(attempt.response)),
                        \(attempt.endpointID ?? ""), \(attempt.manual))
                """, logger: logger)
            if previous != attempt.status.rawValue || attempt.manual {
                try await PostgresStore.addTransition(
                    connection, entryID: entryID, at: now, from: previous, to: attempt.status,
                    reason: (attempt.manual ? "resync: " : "") + attempt.reason, logger: logger)
            }
        }
    }

    public func confirmSync(ids: [SyncEntryID], reason: String, now: Date) async throws -> [SyncEntryID] {
        let logger = logger
        return try await transaction { connection in
            let confirmed: Set<SyncEntryID> = Set(
                try await connection.rows(
                    """
                    UPDATE sync_entries SET status = 'ok', latest_response = \(reason) WHERE id = ANY(\(ids)) AND status = 'sent' RETURNING id
                    """, logger: logger
                ).map { try $0["id", as: SyncEntryID.self] })
            let ordered = ids.filter(confirmed.contains)
            for id in ordered {
                try await PostgresStore.addTransition(
                    connection, entryID: id, at: now, from: SyncStatus.sent.rawValue, to: .ok, reason: reason,
                    logger: logger)
            }
            return ordered
        }
    }

    /// The entry's row is locked (updated) first in every caller, so the next `seq` cannot be taken twice.
    static func addTransition(
        _ connection: PostgresConnection, entryID: SyncEntryID, at: Date, from: String?, to: SyncStatus, reason: String,
        logger: Logger
    ) async throws {
        try await connection.run(
            """
            INSERT INTO sync_transitions (entry_id, seq, at, from_status, to_status, reason)
            VALUES (\(entryID), (SELECT COALESCE(MAX(seq), 0) + 1 FROM sync_transitions WHERE entry_id = \(entryID)), \(at.pgValue),
                    \(from), \(to.rawValue), \(reason))
            """, logger: logger)
    }

    static func syncEntry(_ row: PGRow) throws -> SyncEntry {
        SyncEntry(
            id: try row["id"], flowID: try row["flow_id"], flowVersion: try row["flow_version"], runID: try row["run_id"],
            shapeID: try row["shape_id"], system: try row["system"], reference: try row["reference"], sourceID: try row["source_id"],
            endpointID: try row["endpoint_id"], status: SyncStatus(rawValue: try row["status"]) ?? .failed, attempts: try row["attempts"],
            automaticRetries: try row["automatic_retries"], firstAttemptAt: try row.date("first_attempt_at"),
            latestAttemptAt: try row.date("latest_attempt_at"), nextRetryAt: try row.optionalDate("next_retry_at"),
            latestResponse: try row["latest_response"], payloadSize: try row["payload_size"])
    }
}
