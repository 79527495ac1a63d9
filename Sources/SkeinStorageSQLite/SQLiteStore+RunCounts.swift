import Foundation
import GRDB
import SkeinCore
import SkeinStorage

extension SQLiteStore: RunCountStore {
    /// One grouped count over the window's rows (found through `runs_by_queued_at`).
    public func runCounts(since: Date) async throws -> [RunStatus: Int] {
        try await read { db in
            var counts: [RunStatus: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT status, count(*) AS n FROM runs WHERE queued_at >= ? GROUP BY status",
                arguments: [since.storageValue])
            {
                if let status = RunStatus(rawValue: row["status"]) { counts[status] = row["n"] }
            }
            return counts
        }
    }

    public func warnedSuccesses(since: Date) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM runs WHERE queued_at >= ? AND status = 'success' AND has_warnings",
                arguments: [since.storageValue]) ?? 0
        }
    }

    /// One grouped pass over the queued runs (`runs_by_status_queued_at`).
    public func queuedRuns() async throws -> [QueuedRuns] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT flow_id, count(*) AS n, min(queued_at) AS oldest FROM runs WHERE status = 'queued' GROUP BY flow_id ORDER BY flow_id
                    """
            ).map { QueuedRuns(flowID: $0["flow_id"], count: $0["n"], oldestQueuedAt: Date(storageValue: $0["oldest"])) }
        }
    }
}
