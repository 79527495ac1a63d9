import Foundation
import PostgresNIO
import SkeinCore
import SkeinStorage

extension PostgresStore: RunCountStore {
    /// One grouped count over the window's rows (found through `runs_by_queued_at`).
    public func runCounts(since: Date) async throws -> [RunStatus: Int] {
        let logger = logger
        return try await connection { connection in
            var counts: [RunStatus: Int] = [:]
            for row in try await connection.rows(
                "SELECT status, count(*) AS n FROM runs WHERE queued_at >= \(since.pgValue) GROUP BY status",
                logger: logger)
            {
                if let status = RunStatus(rawValue: try row["status"]) { counts[status] = try row["n", as: Int.self] }
            }
            return counts
        }
    }

    public func warnedSuccesses(since: Date) async throws -> Int {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                "SELECT count(*) AS n FROM runs WHERE queued_at >= \(since.pgValue) AND status = 'success' AND has_warnings",
                logger: logger
            ).first.map { try $0["n", as: Int.self] } ?? 0
        }
    }

    /// One grouped pass over the queued runs (the `runs_queued` partial index).
    public func queuedRuns() async throws -> [QueuedRuns] {
        let logger = logger
        return try await connection { connection in
            try await connection.rows(
                """
                SELECT flow_id, count(*) AS n, min(queued_at) AS oldest FROM runs WHERE status = 'queued' GROUP BY flow_id ORDER BY flow_id
                """, logger: logger
            ).map {
                QueuedRuns(flowID: try $0["flow_id"], count: try $0["n", as: Int.self], oldestQueuedAt: try $0.date("oldest"))
            }
        }
    }
}
