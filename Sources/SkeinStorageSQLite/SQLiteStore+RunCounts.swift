import Foundation
import GRDB
import SkeinCore
import SkeinStorage

extension SQLiteStore: RunCountStore {
    /// One grouped count over the window's rows (found through `runs_by_queued_at`).
    public func runCounts(since: Date) async throws -> [RunStatus: Int] {
        try await read { db in
            var counts: [RunStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM runs WHERE queued_at >= ? GROUP BY status",
                                        arguments: [since.storageValue]) {
                if let status = RunStatus(rawValue: row["status"]) { counts[status] = row["n"] }
            }
            return counts
        }
    }
}
