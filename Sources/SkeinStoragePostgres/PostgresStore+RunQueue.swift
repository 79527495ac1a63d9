import Foundation
import PostgresNIO
import SkeinCore
import SkeinStorage

/// The durable run queue: claims, leases and their renewal.
///
/// A claim is one transaction: candidates in queue order (priority 1 first, then oldest) are
/// locked with `FOR UPDATE SKIP LOCKED`, so concurrent workers each get different runs without
/// waiting on one another; runs whose lease expired (their worker died) are candidates too and
/// are resumed. For flows with `max_concurrent_runs`, the flow rows are locked before their
/// running runs are counted, so two workers cannot both take a flow's last free slot.
extension PostgresStore {
    public func claimRuns(owner: String, limit: Int, leaseUntil: Date, now: Date) async throws -> [RunRecord] {
        guard limit > 0 else { return [] }
        let logger = logger
        let records = try await transaction { connection -> [RunRecord] in
            // Two index scans (expired leases; queued runs in priority order), each stopping at
            // `limit`, merged in queue order. Rows locked but not chosen are released at commit.
            let expired = try await connection.rows(
                """
                SELECT r.id, r.flow_id, r.priority, true AS resume, NULL::integer AS flow_limit FROM runs r
                WHERE r.status = 'started' AND r.lease_expires_at < \(now.pgValue)
                ORDER BY r.priority, r.id LIMIT \(limit)
                FOR UPDATE OF r SKIP LOCKED
                """, logger: logger)
            let queued = try await connection.rows(
                """
                SELECT r.id, r.flow_id, r.priority, false AS resume, f.max_concurrent_runs AS flow_limit
                FROM runs r LEFT JOIN flows f ON f.flow_id = r.flow_id
                WHERE r.status = 'queued' AND (f.max_concurrent_runs IS NULL
                    OR (SELECT count(*) FROM runs s WHERE s.flow_id = r.flow_id AND s.status = 'started') < f.max_concurrent_runs)
                ORDER BY r.priority, r.id LIMIT \(limit)
                FOR UPDATE OF r SKIP LOCKED
                """, logger: logger)
            let candidates = try (expired + queued).map { row in
                (
                    priority: try row["priority", as: Int.self],
                    candidate: RunClaimPlan.Candidate(
                        id: try row["id"], flowID: try row["flow_id"], isResume: try row["resume"],
                        limit: try row.optional("flow_limit", as: Int.self))
                )
            }.sorted { ($0.priority, $0.candidate.id) < ($1.priority, $1.candidate.id) }.map(\.candidate)
            let limited = Array(Set(candidates.filter { $0.limit != nil && !$0.isResume }.map(\.flowID))).sorted()
            var running: [String: Int] = [:]
            if !limited.isEmpty {
                // Locked in a fixed order (no deadlock between two claimers); counted after the lock,
                // so the count includes every claim committed before ours.
                try await connection.run("SELECT 1 FROM flows WHERE flow_id = ANY(\(limited)) ORDER BY flow_id FOR UPDATE", logger: logger)
                for row in try await connection.rows(
                    """
                    SELECT flow_id, count(*) AS running FROM runs WHERE status = 'started' AND flow_id = ANY(\(limited)) GROUP BY flow_id
                    """, logger: logger)
                {
                    running[try row["flow_id"]] = try row["running"]
                }
            }
            let chosen = RunClaimPlan.choose(candidates, running: running, count: limit)
            guard !chosen.isEmpty else { return [] }
            return try await connection.rows(
                """
                UPDATE runs SET status = 'started', lease_owner = \(owner), lease_expires_at = \(leaseUntil.pgValue), claims = claims + 1,
                                started_at = COALESCE(started_at, \(now.pgValue))
                WHERE id = ANY(\(chosen))
                RETURNING \(unescaped: PostgresStore.runColumns)
                """, logger: logger
            ).map(PostgresStore.runRecord)
        }
        return records.sorted { ($0.priority, $0.id) < ($1.priority, $1.id) }
    }

    public func renewLeases(runIDs: [RunID], owner: String, until: Date) async throws -> (held: [RunID], stopRequested: [RunID]) {
        guard !runIDs.isEmpty else { return ([], []) }
        let logger = logger
        let rows = try await connection { connection in
            try await connection.rows(
                """
                UPDATE runs SET lease_expires_at = \(until.pgValue)
                WHERE id = ANY(\(runIDs)) AND lease_owner = \(owner) AND status = 'started'
                RETURNING id, stop_requested
                """, logger: logger
            ).map { (try $0["id", as: RunID.self], try $0["stop_requested", as: Bool.self]) }
        }
        let held = Set(rows.map(\.0))
        let stops = Set(rows.filter(\.1).map(\.0))
        return (runIDs.filter(held.contains), runIDs.filter(stops.contains))
    }

    public func releaseLeases(owner: String, now: Date) async throws -> [RunID] {
        let logger = logger
        let expired = now.addingTimeInterval(-1)
        return try await connection { connection in
            try await connection.rows(
                """
                UPDATE runs SET lease_expires_at = \(expired.pgValue)
                WHERE lease_owner = \(owner) AND status = 'started'
                RETURNING id
                """, logger: logger
            ).map { try $0["id", as: RunID.self] }
        }.sorted()
    }
}
