public import Foundation
public import SkeinCore

/// Counts for dashboards, bounded by a time window so they stay cheap with millions of runs.
public protocol RunCountStore: Sendable {
    /// How many runs queued at or after `since` have each status (statuses with none are absent).
    func runCounts(since: Date) async throws -> [RunStatus: Int]
    /// The queue now, per flow with queued runs: how many wait and since when (metrics gauges).
    func queuedRuns() async throws -> [QueuedRuns]
}

/// The runs of one flow waiting to be picked up.
public struct QueuedRuns: Sendable, Equatable {
    public var flowID: String
    public var count: Int
    /// When the oldest of them was queued.
    public var oldestQueuedAt: Date

    public init(flowID: String, count: Int, oldestQueuedAt: Date) {
        self.flowID = flowID
        self.count = count
        self.oldestQueuedAt = oldestQueuedAt
    }
}
