public import Foundation

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
