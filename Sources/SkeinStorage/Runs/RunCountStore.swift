public import Foundation
public import SkeinCore

/// Counts for dashboards, bounded by a time window so they stay cheap with millions of runs.
public protocol RunCountStore: Sendable {
    /// How many runs queued at or after `since` have each status (statuses with none are absent).
    func runCounts(since: Date) async throws -> [RunStatus: Int]
    /// How many of those runs succeeded with a warning in some step — items left Pending or
    /// Failed by a send step warn too — so a dashboard counts them apart from clean successes.
    func warnedSuccesses(since: Date) async throws -> Int
    /// The queue now, per flow with queued runs: how many wait and since when (metrics gauges).
    func queuedRuns() async throws -> [QueuedRuns]
}
